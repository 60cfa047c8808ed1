"""``awsglue.blueprint.crawler``: ``Crawler(**kwargs)``, a Glue crawler a layout creates
(docs/semantics.md#the-blueprint-librarys-classes)."""

from __future__ import annotations

from typing import Any

from glue_workflow_provider.sources.blueprint.api.base_resource import (
    TruthyResource,
    check_choice,
)

__all__ = ["Crawler"]

#: Each target kind and the fields every target of that kind must have.
TARGET_FIELDS = {
    "S3Targets": ("Path",),
    "JDBCTargets": ("ConnectionName", "Path"),
    "CatalogTargets": ("DatabaseName", "Tables"),
    "DynamoDBTargets": ("Path",),
}
DELETE_BEHAVIORS = ("LOG", "DELETE_FROM_DATABASE", "DEPRECATE_IN_DATABASE")
UPDATE_BEHAVIORS = ("LOG", "UPDATE_IN_DATABASE")


class Crawler(TruthyResource):
    """A CreateCrawler request plus ``DependsOn`` / ``WaitForDependencies`` (unknown
    keys are dropped)."""

    _kind = "Crawler"
    _validator = {
        "Name": (str, True),
        "Description": (str, False),
        "Role": (str, True),
        "Targets": (dict, True),
        "DatabaseName": (str, False),
        "Classifiers": (list, False),
        "SchemaChangePolicy": (dict, False),
        "TablePrefix": (str, False),
        "Configuration": (str, False),
        "CrawlerSecurityConfiguration": (str, False),
        "Tags": (dict, False),
        "DependsOn": (dict, False),
        "Schedule": (str, False),
        "WaitForDependencies": (str, False),
    }

    def validate(self) -> bool:
        """The library's checks: required fields, types, each target's fields,
        ``SchemaChangePolicy`` values."""
        super().validate()
        name: Any = self.__dict__["Name"]
        for kind, targets in self.__dict__["Targets"].items():
            for index, target in enumerate(targets or ()):
                for field in TARGET_FIELDS.get(kind, ()):
                    if field not in target:
                        raise TypeError(
                            f"Crawler {name!r}: Targets.{kind}[{index}].{field} is "
                            "required"
                        )
        policy = self.__dict__.get("SchemaChangePolicy") or {}
        if "DeleteBehavior" in policy:
            check_choice(
                "Crawler",
                name,
                "SchemaChangePolicy.DeleteBehavior",
                policy["DeleteBehavior"],
                DELETE_BEHAVIORS,
            )
        if "UpdateBehavior" in policy:
            check_choice(
                "Crawler",
                name,
                "SchemaChangePolicy.UpdateBehavior",
                policy["UpdateBehavior"],
                UPDATE_BEHAVIORS,
            )
        return True

"""The attribute tables: terraform-provider-aws schema names → Glue API (Create*) field names.

One table per resource and nested block, as the provider's ``expand*`` functions build the API request.
"""

from __future__ import annotations

from glue_workflow_provider.sources.terraform.fields import Field

_NOTIFICATION = {"notify_delay_after": Field("NotifyDelayAfter", "int", zero_unset=True)}

WORKFLOW = {
    "name": Field("Name", "name"),
    "description": Field("Description"),
    "default_run_properties": Field("DefaultRunProperties", "map"),
    "max_concurrent_runs": Field("MaxConcurrentRuns", "int", zero_unset=True),
    "tags": Field("Tags", "map"),
}

CONDITION = {
    "job_name": Field("JobName", "name"),
    "crawler_name": Field("CrawlerName", "name"),
    "state": Field("State"),
    "crawl_state": Field("CrawlState"),
    "logical_operator": Field("LogicalOperator"),
}

ACTION = {
    "job_name": Field("JobName", "name"),
    "crawler_name": Field("CrawlerName", "name"),
    "arguments": Field("Arguments", "map"),
    "timeout": Field("Timeout", "int", zero_unset=True),
    "security_configuration": Field("SecurityConfiguration"),
    "notification_property": Field("NotificationProperty", "block", _NOTIFICATION),
}

#: ``enabled``, ``start_on_creation`` and ``workflow_name`` are read by the trigger mapping itself.
TRIGGER = {
    "name": Field("Name", "name"),
    "type": Field("Type"),
    "description": Field("Description"),
    "schedule": Field("Schedule"),
    "predicate": Field(
        "Predicate", "block", {"logical": Field("Logical"), "conditions": Field("Conditions", "blocks", CONDITION)}
    ),
    "actions": Field("Actions", "blocks", ACTION),
    "event_batching_condition": Field(
        "EventBatchingCondition",
        "block",
        {"batch_size": Field("BatchSize", "int"), "batch_window": Field("BatchWindow", "int", zero_unset=True)},
    ),
    "tags": Field("Tags", "map"),
}

JOB = {
    "name": Field("Name", "name"),
    "role_arn": Field("Role"),
    "description": Field("Description"),
    "command": Field(
        "Command",
        "block",
        {
            "name": Field("Name"),
            "script_location": Field("ScriptLocation"),
            "python_version": Field("PythonVersion"),
            "runtime": Field("Runtime"),
        },
    ),
    "default_arguments": Field("DefaultArguments", "map"),
    "non_overridable_arguments": Field("NonOverridableArguments", "map"),
    "connections": Field("Connections", "list"),
    "execution_property": Field(
        "ExecutionProperty", "block", {"max_concurrent_runs": Field("MaxConcurrentRuns", "int", zero_unset=True)}
    ),
    "glue_version": Field("GlueVersion"),
    "max_capacity": Field("MaxCapacity", "float", zero_unset=True),
    "max_retries": Field("MaxRetries", "int"),
    "notification_property": Field("NotificationProperty", "block", _NOTIFICATION),
    "number_of_workers": Field("NumberOfWorkers", "int", zero_unset=True),
    "security_configuration": Field("SecurityConfiguration"),
    "tags": Field("Tags", "map"),
    "timeout": Field("Timeout", "int", zero_unset=True),
    "worker_type": Field("WorkerType"),
    "execution_class": Field("ExecutionClass"),
    "job_run_queuing_enabled": Field("JobRunQueuingEnabled", "bool"),
    "maintenance_window": Field("MaintenanceWindow"),
    "job_mode": Field("JobMode"),
    "source_control_details": Field(
        "SourceControlDetails",
        "block",
        {
            key: Field(api)
            for key, api in (
                ("provider", "Provider"), ("repository", "Repository"), ("owner", "Owner"), ("branch", "Branch"),
                ("folder", "Folder"), ("last_commit_id", "LastCommitId"), ("auth_strategy", "AuthStrategy"),
                ("auth_token", "AuthToken"),
            )
        },
    ),
}

_CONNECTION = {"connection_name": Field("ConnectionName")}
_QUEUES = {"event_queue_arn": Field("EventQueueArn"), "dlq_event_queue_arn": Field("DlqEventQueueArn")}
_LAKE_TABLE = {
    "paths": Field("Paths", "list"),
    "exclusions": Field("Exclusions", "list"),
    "maximum_traversal_depth": Field("MaximumTraversalDepth", "int", zero_unset=True),
    **_CONNECTION,
}

#: Crawler target blocks: each becomes one list inside the API's ``Targets``.
TARGETS = {
    "s3_target": Field(
        "S3Targets",
        "blocks",
        {"path": Field("Path"), "exclusions": Field("Exclusions", "list"),
         "sample_size": Field("SampleSize", "int", zero_unset=True), **_CONNECTION, **_QUEUES},
    ),
    "jdbc_target": Field(
        "JdbcTargets",
        "blocks",
        {"path": Field("Path"), "exclusions": Field("Exclusions", "list"),
         "enable_additional_metadata": Field("EnableAdditionalMetadata", "list"), **_CONNECTION},
    ),
    "dynamodb_target": Field(
        "DynamoDBTargets",
        "blocks",
        {"path": Field("Path"), "scan_all": Field("scanAll", "bool"),
         "scan_rate": Field("scanRate", "float", zero_unset=True)},
    ),
    "catalog_target": Field(
        "CatalogTargets",
        "blocks",
        {"database_name": Field("DatabaseName"), "tables": Field("Tables", "list"), **_CONNECTION, **_QUEUES},
    ),
    "mongodb_target": Field(
        "MongoDBTargets", "blocks", {"path": Field("Path"), "scan_all": Field("ScanAll", "bool"), **_CONNECTION}
    ),
    "delta_target": Field(
        "DeltaTargets",
        "blocks",
        {"delta_tables": Field("DeltaTables", "list"), "write_manifest": Field("WriteManifest", "bool"),
         "create_native_delta_table": Field("CreateNativeDeltaTable", "bool"), **_CONNECTION},
    ),
    "hudi_target": Field("HudiTargets", "blocks", _LAKE_TABLE),
    "iceberg_target": Field("IcebergTargets", "blocks", _LAKE_TABLE),
}

CRAWLER = {
    "name": Field("Name", "name"),
    "role": Field("Role"),
    "database_name": Field("DatabaseName"),
    "description": Field("Description"),
    "classifiers": Field("Classifiers", "list"),
    "configuration": Field("Configuration"),
    "table_prefix": Field("TablePrefix"),
    "security_configuration": Field("CrawlerSecurityConfiguration"),
    "tags": Field("Tags", "map"),
    "schema_change_policy": Field(
        "SchemaChangePolicy",
        "block",
        {"delete_behavior": Field("DeleteBehavior"), "update_behavior": Field("UpdateBehavior")},
    ),
    "recrawl_policy": Field("RecrawlPolicy", "block", {"recrawl_behavior": Field("RecrawlBehavior")}),
    "lineage_configuration": Field(
        "LineageConfiguration", "block", {"crawler_lineage_settings": Field("CrawlerLineageSettings")}
    ),
    "lake_formation_configuration": Field(
        "LakeFormationConfiguration",
        "block",
        {
            "account_id": Field("AccountId"),
            "use_lake_formation_credentials": Field("UseLakeFormationCredentials", "bool"),
        },
    ),
}

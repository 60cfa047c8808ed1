"""The pydantic base shared by every model shape: frozen, keyword-only, PascalCase aliases like the Glue API."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictStr
from pydantic.alias_generators import to_pascal


class GlueShape(BaseModel):
    """A Glue API shape: attributes are snake_case, the document keys are the API's PascalCase names."""

    model_config = ConfigDict(
        frozen=True,
        alias_generator=to_pascal,
        populate_by_name=True,
        extra="forbid",
        use_enum_values=False,
    )


#: Glue ``NameString``: 1 to 255 characters.
NameString = Annotated[StrictStr, Field(min_length=1, max_length=255)]

#: A map of strings to strings (job arguments, run properties, tags): values must be strings, as in the API.
StringMap = dict[StrictStr, StrictStr]

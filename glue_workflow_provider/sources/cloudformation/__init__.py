"""CloudFormation templates and CDK synth output -> Glue workflow definitions (``glue-airflow convert``).

:func:`parse_template` reads JSON or YAML with the short intrinsic tags; :func:`read_cloudformation` turns
a parsed template into one authored definition per ``AWS::Glue::Workflow``, with a warning for everything
it cannot take over as it stands.
"""

from __future__ import annotations

from glue_workflow_provider.sources.cloudformation.loader import TemplateError, parse_template
from glue_workflow_provider.sources.cloudformation.reader import read_cloudformation
from glue_workflow_provider.sources.cloudformation.template import PSEUDO_PARAMETERS, declared_parameters

__all__ = ["PSEUDO_PARAMETERS", "TemplateError", "declared_parameters", "parse_template", "read_cloudformation"]

"""Readers that turn documents (definition files, AWS accounts, templates, blueprints) into the model."""

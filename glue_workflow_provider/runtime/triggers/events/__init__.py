"""Event triggers: BaseEventTrigger subclasses that an asset's watcher runs in the triggerer to start DAG runs.

They are kept apart from the task-deferral triggers beside this package: nothing defers to them, they never
end, and their events become asset events rather than resumed tasks.
"""

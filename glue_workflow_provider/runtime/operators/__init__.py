"""Operators: Glue jobs and crawlers run by name, and the gates the scheduler resolves without a worker.

The kinds: ``job.py`` (GlueWorkflowJobOperator), ``crawler.py`` (GlueWorkflowCrawlerOperator), ``gate.py``
(the EmptyOperators and the group's end task). A job or crawler task's lifecycle, from ``execute()`` to its
end, one step per module, in order:

1. ``node.py`` ``GlueNodeOperator.execute``: the entry point; each kind says how to submit, find, read and
   stop its runs. Everything below runs inside ``finish.pruned_on_final_failure``.
2. ``start.py`` ``start_plan``: which trigger starts the node (none fired: skip it and what it would start);
   ``reattach_or_submit``: reattach to this try lineage's run, or retire an earlier lineage's run
   (``retire.py``) and start one: the record is written before and after the start call
   (runtime/run_record.py), and the start call is made once (runtime/start_call.py, from the kind's ``submit``).
3. ``wait.py`` ``wait``: the run has ended: go to 4; otherwise ``defer`` to the kind's trigger
   (runtime/triggers/glue_run.py: ``_GlueRunEndedTrigger.run`` checks every ``poll_interval`` through
   runtime/triggers/waiter_checks.py, or on Glue's events through runtime/triggers/state_change_wait.py), or,
   not deferrable, poll on the worker. The trigger's event resumes the task in ``execute_complete`` ->
   ``wait.complete``: it reads the exact end state itself; an error event fails the try (a retry
   reattaches); an end the operator cannot see yet waits again, logged, at most ``wait.REDEFER_LIMIT`` times.
   ``end_in_trigger.py``: a node whose SUCCEEDED end leaves a worker nothing to do hands its trigger the XComs
   of that end, and the trigger ends the task itself (runtime/triggers/task_end.py): no second task process.
4. ``finish.py`` ``finish``: XCom ``glue_state`` and the properties after the node, pruning of what can no
   longer run (runtime/node_state.py, runtime/pruning.py), the UI's note and summary (``monitoring.py``
   ``report_end``); the task succeeds only on SUCCEEDED. A try that fails without an end state prunes in
   ``pruned_on_final_failure`` on its last try.

``state_change_option.py`` adds the state-change queue setting to the waiting trigger's arguments.
"""

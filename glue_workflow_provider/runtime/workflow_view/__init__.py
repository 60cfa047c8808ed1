"""The Glue workflow view: an Airflow UI page showing a DAG as the Glue console shows its workflow.

``app`` serves it (a FastAPI app the provider's plugin mounts under the API server), ``airflow_rest`` reads
Airflow's metadata through its public REST API as the signed-in user (the node tasks' records through
runtime/node_record/rest.py, as ``status`` does), ``plans`` finds a DAG's compiled plan,
``run_view`` turns a DAG run into Glue terms, ``layout`` places the graph and ``render`` draws the page.
"""

#: Where the provider's plugin mounts the view under the API server (here so that naming it imports no FastAPI).
URL_PREFIX = "/glue-workflow"

"""What runs inside Airflow: operators, hooks, triggers, the timetable and the provider plugin."""

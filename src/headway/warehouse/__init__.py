"""The warehouse: staging of accepted returns, the refresh that builds and
publishes a DuckDB file, and the read-only queries the web app and reports use."""

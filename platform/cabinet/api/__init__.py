"""The API core every module's API uses: common errors and schema hooks (schema.py) and Idempotency-Key
for POSTs (idempotency.py)."""

from cabinet.celery import app
from cabinet.ledger import reconciliation


@app.task(name="cabinet.ledger.tasks.reconcile_business_ledger")
def reconcile_business_ledger() -> int:
    """Nightly, in each business's schema: the number of differences found (0 when all is well)."""
    return len(reconciliation.reconcile().differences)

"""The registry's periodic tasks: one beat entry queues each due task in the businesses whose module is on;
the registry is the only list (no hand-written beat entry for module work); unknown module keys raise;
manage views take their roles from their ManageEntry."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django_tenants.utils import tenant_context

from cabinet import registry
from cabinet.celery import app, task_named
from cabinet.portal import tasks as portal_tasks
from cabinet.portal.selectors import is_module_enabled, portal_state
from cabinet.portal.services import set_module_enabled
from cabinet.tenancy import current_schema
from tests.helpers import make_user, sign_in


@pytest.fixture
def queued(monkeypatch):
    """Each periodic task's `delay`, recorded with the schema it was queued in instead of sent."""
    seen: dict[str, list[str]] = {}
    for periodic in registry.periodic_tasks():
        task = task_named(periodic.task)
        monkeypatch.setattr(task, "delay", lambda name=periodic.task: seen.setdefault(name, []).append(current_schema()))
    for periodic in registry.periodic_tasks():
        cache.delete(f"periodic-work:{periodic.task}")
    yield seen
    for periodic in registry.periodic_tasks():
        cache.delete(f"periodic-work:{periodic.task}")


def test_every_declared_periodic_task_is_a_registered_task():
    declared = registry.periodic_tasks()
    assert {"cabinet.catalog.tasks.expire_reservations", "cabinet.orders.tasks.place_due_recurring_orders",
            "cabinet.support.tasks.auto_close_resolved_requests",
            "cabinet.accounts.tasks.delete_old_account_records"} <= {p.task for p in declared}
    for periodic in declared:
        assert task_named(periodic.task).name == periodic.task
        assert periodic.module == "" or periodic.module in registry.modules()


def test_beat_has_one_entry_for_module_work():
    tasks = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    # Besides module work: the public schema's spare pool, and the notifications' outbox sweep, which runs more
    # often than the registry's minute (docs/decisions.md, "Notifications").
    assert tasks == ["tenants.tasks.refill_spare_schemas", "cabinet.portal.tasks.run_periodic_work",
                     "cabinet.notifications.tasks.sweep_everywhere"]
    assert app.conf.beat_schedule["periodic-work"]["schedule"] == 60.0


def test_fan_out_reaches_only_businesses_whose_module_is_on_and_once_per_period(alpha, beta, queued):
    with tenant_context(beta):
        set_module_enabled("support", False)
        set_module_enabled("catalog", True)
    with tenant_context(alpha):
        set_module_enabled("support", True)
        set_module_enabled("catalog", True)
    counts = portal_tasks.run_periodic_work.apply().get()
    support = queued["cabinet.support.tasks.auto_close_resolved_requests"]
    assert "t_alpha" in support and "t_bravo" not in support and "public" not in support
    assert {"t_alpha", "t_bravo"} <= set(queued["cabinet.catalog.tasks.expire_reservations"])
    # a core app's task runs in every business and, asked for, in the public schema too
    assert {"t_alpha", "t_bravo", "public"} <= set(queued["cabinet.accounts.tasks.delete_old_account_records"])
    assert counts["cabinet.support.tasks.auto_close_resolved_requests"] == len(support)
    # the next minute's beat finds nothing due
    queued.clear()
    assert portal_tasks.run_periodic_work.apply().get() == {}
    assert queued == {}


def test_asking_about_an_unknown_module_raises(alpha):
    with tenant_context(alpha):
        with pytest.raises(registry.UnknownModule):
            portal_state().is_enabled("catalogue")
        with pytest.raises(registry.UnknownModule):
            is_module_enabled("nothing")
        assert portal_state().is_enabled("catalog") in (True, False)
    with pytest.raises(registry.UnknownModule):
        registry.require_module("nothing")


def test_manage_roles_come_from_the_entry():
    orders = registry.require_module("orders")
    assert orders.manage_roles("queue") == ("owner", "manager", "operator")
    assert orders.manage_roles("discounts") == ("owner", "manager")
    with pytest.raises(Exception, match="no manage entry"):
        orders.manage_roles("nowhere")


def test_an_operator_reaches_the_order_queue_but_not_discounts(alpha, alpha_client):
    with tenant_context(alpha):
        set_module_enabled("catalog", True)
        set_module_enabled("orders", True)
    make_user(alpha, "op@example.com", role="operator")
    sign_in(alpha_client, alpha, "op@example.com")
    assert alpha_client.get("/manage/orders/").status_code == 200
    assert alpha_client.get("/manage/orders/discounts/").status_code == 403

"""Two operators move the same request at the same moment: real concurrent transactions (one connection per
thread, released together by a barrier). One move wins; the other is refused; the history stays a chain.
The data is committed (each thread must see it) in the clinic test tenant and removed afterwards."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connections
from django_tenants.utils import get_tenant_model, tenant_context

from cabinet.modules.support import services
from cabinet.modules.support.models import Request, Stage, StageMove

SCHEMA = "t_alpha"
TOPIC = "Race topic"


@pytest.fixture
def blocker(django_db_setup, django_db_blocker):
    return django_db_blocker


def test_concurrent_stage_moves_never_corrupt_the_history(blocker):
    User = get_user_model()
    with blocker.unblock():
        tenant = get_tenant_model().objects.get(schema_name=SCHEMA)

    def schema_context(_schema):  # the real tenant: telling the customer builds a link to its portal
        return tenant_context(tenant)

    with blocker.unblock(), schema_context(SCHEMA):
        customer = User.objects.create_user("race-customer@alpha.test", None)
        operators = [User.objects.create_user(f"race-op{n}@alpha.test", None, role="operator") for n in range(4)]
        stages = services.save_topic_stages(topic=TOPIC, text="One\nTwo\nThree\nFour\nFive", topics=[TOPIC])
        task = services.create_request(customer=customer, topic=TOPIC, topics=[TOPIC], subject="Race",
                                       message="Go", contact_name="R", contact_email="r@example.com")
    barrier = threading.Barrier(len(operators))
    outcomes: dict[int, object] = {}

    def move(index, operator):
        try:
            with blocker.unblock(), schema_context(SCHEMA):
                barrier.wait(timeout=10)
                try:
                    outcomes[index] = services.move_stage(support_request=task, stage_id=stages[index + 1].pk,
                                                          expected_stage_id=stages[0].pk, by=operator)
                except ValidationError as refused:
                    outcomes[index] = refused
        finally:
            connections.close_all()

    threads = [threading.Thread(target=move, args=(n, op)) for n, op in enumerate(operators)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    try:
        won = [o for o in outcomes.values() if isinstance(o, StageMove)]
        refused = [o for o in outcomes.values() if isinstance(o, ValidationError)]
        assert len(won) == 1 and len(refused) == len(operators) - 1
        with blocker.unblock(), schema_context(SCHEMA):
            moves = list(StageMove.objects.filter(request=task).order_by("number"))
            assert [m.number for m in moves] == [1, 2]
            assert moves[1].from_stage_id == moves[0].to_stage_id == stages[0].pk
            assert Request.objects.get(pk=task.pk).stage_id == moves[1].to_stage_id == won[0].to_stage_id
    finally:
        with blocker.unblock(), schema_context(SCHEMA):
            from cabinet.notifications.models import Notification

            Notification.objects.filter(recipient=customer).delete()
            Request.objects.filter(pk=task.pk).delete()
            Stage.objects.filter(topic=TOPIC).delete()
            User.objects.filter(email__startswith="race-").delete()

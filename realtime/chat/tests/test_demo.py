"""The chat's demo content: an answered conversation of the first demo customer and canned replies, seeded
once, telling nobody (demo customers get no notifications)."""

import pytest
from django_tenants.utils import tenant_context

from realtime.chat import demo
from realtime.chat.models import CannedReply, Conversation

from .conftest import make_user

pytestmark = pytest.mark.django_db


def test_demo_content_is_seeded_once_and_quietly(alpha):
    from cabinet.notifications.models import Notification
    from verticals import VERTICALS

    clinic = VERTICALS["clinic"]
    make_user(alpha, clinic.demo_customers[0][1])
    with tenant_context(alpha):
        demo.seed_demo_content(clinic)
        demo.seed_demo_content(clinic)
        conversation = Conversation.objects.get(customer__email=clinic.demo_customers[0][1])
        assert [(m.seq, m.from_staff) for m in conversation.messages.order_by("seq")] == [(1, False), (2, True)]
        assert CannedReply.objects.count() == len(demo.CANNED)
        assert not Notification.objects.filter(event="chat.reply").exists()

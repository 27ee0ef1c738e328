"""Customers' birthdays: the date a customer gives in "My settings", and the announcement of the day
(`events.BIRTHDAY`) that the modules rewarding customers listen to (bonus points, offers)."""

from __future__ import annotations

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cabinet import events

from ..models import User

OLDEST_YEAR = 1900


def check_birth_date(birth_date: datetime.date | None, *, today: datetime.date | None = None) -> None:
    """Refuses a date of birth in the future or before 1900 (a typing slip, not a person)."""
    if birth_date is None:
        return
    today = today or timezone.localdate()
    if birth_date > today:
        raise ValidationError({"birth_date": _("The date of birth cannot be in the future.")})
    if birth_date.year < OLDEST_YEAR:
        raise ValidationError({"birth_date": _("Please check the year of birth.")})


def birthdays_on(day: datetime.date) -> Q:
    """Who has a birthday on `day`: those born on that month and day, and on 28 February of a common year
    also those born on 29 February."""
    born_today = Q(birth_date__month=day.month, birth_date__day=day.day)
    if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
        born_today |= Q(birth_date__month=2, birth_date__day=29)
    return born_today


def business_today() -> datetime.date:
    from cabinet.portal.selectors import business_time_zone

    return timezone.localdate(timezone=business_time_zone())


def announce_birthdays(today: datetime.date | None = None) -> int:
    """Announces the birthday of every active customer of the current business whose birthday is `today`
    (in the business's time zone), once a year each: the year is written on the customer in the same
    transaction as the announcement, so an hourly run, a retried task or two workers greet once. Returns
    how many were announced."""
    today = today or business_today()
    due = (User.objects.filter(birthdays_on(today), role=User.Role.CUSTOMER, is_active=True)
           .exclude(birthday_announced_year=today.year).values_list("pk", flat=True))
    announced = 0
    for pk in list(due):
        with transaction.atomic():
            claimed = (User.objects.filter(pk=pk).filter(Q(birthday_announced_year__isnull=True)
                                                          | ~Q(birthday_announced_year=today.year))
                       .update(birthday_announced_year=today.year))
            if claimed:
                events.announce(User.objects.get(pk=pk), events.BIRTHDAY, year=today.year)
                announced += 1
    return announced

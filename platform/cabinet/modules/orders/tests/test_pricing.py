"""The discount engine (cabinet.modules.orders.pricing): each kind of rule with exact figures, how rules combine, time
windows at their edges, validation of rules, and properties that hold for any cart and any valid rules."""

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from cabinet.modules.orders.pricing import (
    ALLOWED_SCOPES,
    CartLine,
    Combine,
    DiscountFacts,
    InvalidRuleError,
    PricedCart,
    PricingContext,
    PricingError,
    Rule,
    RuleKind,
    Scope,
    ValueType,
    explain,
    is_in_time_window,
    price_cart,
    validate_rule,
)

D = Decimal
FRIDAY_NOON = datetime(2026, 3, 6, 12, 0, tzinfo=UTC)  # a Friday
CONTEXT = PricingContext(now=FRIDAY_NOON)
KYIV = ZoneInfo("Europe/Kyiv")


def qty_break(rule_id=1, percent="10", min_quantity=5, products=(1,), **extra):
    return Rule(id=rule_id, title="Bulk", kind=RuleKind.QUANTITY_BREAK, value=D(percent), scope=Scope.PRODUCTS,
                product_ids=frozenset(products), min_quantity=min_quantity, **extra)


def category_share(rule_id=2, percent="15", categories=(7,), **extra):
    return Rule(id=rule_id, title="Tea week", kind=RuleKind.CATEGORY_SHARE, value=D(percent),
                scope=Scope.CATEGORIES, category_ids=frozenset(categories), **extra)


def threshold(rule_id=3, value="5", threshold_="100", value_type=ValueType.PERCENT, currency="EUR", **extra):
    return Rule(id=rule_id, title="Big order", kind=RuleKind.CART_THRESHOLD, value=D(value),
                value_type=value_type, threshold=D(threshold_), currency=currency, **extra)


def first_order(rule_id=4, value="10", value_type=ValueType.PERCENT, currency=None, **extra):
    return Rule(id=rule_id, title="Welcome", kind=RuleKind.FIRST_ORDER, value=D(value), value_type=value_type,
                currency=currency, **extra)


def group(rule_id=5, percent="7", name="wholesale", **extra):
    return Rule(id=rule_id, title="Wholesale price", kind=RuleKind.CUSTOMER_GROUP, value=D(percent),
                customer_group=name, **extra)


def window(rule_id=6, percent="20", **extra):
    return Rule(id=rule_id, title="Spring sale", kind=RuleKind.TIME_WINDOW, value=D(percent), **extra)


def line(product_id=1, quantity=1, price="10.00", category_id=None):
    return CartLine(product_id=product_id, category_id=category_id, quantity=quantity, unit_price=D(price))


def price(lines, rules, context=CONTEXT, currency="EUR"):
    return price_cart(lines, currency, context, rules)


def amounts(discounts):
    return [(d.rule_id, d.amount) for d in discounts]


# ------------------------------------------------------------------------------------ each kind of rule

def test_quantity_break_applies_from_the_minimum_quantity_of_the_product():
    priced = price([line(quantity=5, price="10.00"), line(product_id=2, quantity=9)], [qty_break()])
    first, other = priced.lines
    assert (first.undiscounted, amounts(first.discounts), first.total) == (D("50.00"), [(1, D("5.00"))], D("45.00"))
    assert (other.discounts, other.total) == ((), D("90.00"))
    assert (priced.undiscounted, priced.subtotal, priced.total_discount, priced.total) == (
        D("140.00"), D("135.00"), D("5.00"), D("135.00"))
    assert price([line(quantity=4)], [qty_break()]).lines[0].discounts == ()


def test_quantity_break_on_a_category_counts_each_line_on_its_own():
    rule = Rule(id=1, title="Bulk tea", kind=RuleKind.QUANTITY_BREAK, value=D("10"), scope=Scope.CATEGORIES,
                category_ids=frozenset({7}), min_quantity=3)
    priced = price([line(1, 3, "2.50", category_id=7), line(2, 2, "4.00", category_id=7),
                    line(3, 5, "1.00", category_id=8)], [rule])
    assert [amounts(p.discounts) for p in priced.lines] == [[(1, D("0.75"))], [], []]
    assert priced.total == D("7.50") - D("0.75") + D("8.00") + D("5.00")


def test_category_share_discounts_every_line_of_the_category():
    priced = price([line(1, 3, "19.99", category_id=7), line(2, 1, "5.00", category_id=7),
                    line(3, 1, "5.00", category_id=8), line(4, 1, "5.00")], [category_share()])
    # 15 % of 59.97 is 8.9955 → 9.00; of 5.00 is 0.75
    assert [amounts(p.discounts) for p in priced.lines] == [[(2, D("9.00"))], [(2, D("0.75"))], [], []]
    assert [p.total for p in priced.lines] == [D("50.97"), D("4.25"), D("5.00"), D("5.00")]
    assert priced.total == D("65.22")


def test_cart_threshold_percent_applies_from_the_threshold_inclusive():
    reached = price([line(quantity=10, price="10.00")], [threshold()])
    assert amounts(reached.cart_discounts) == [(3, D("5.00"))]
    assert (reached.subtotal, reached.total) == (D("100.00"), D("95.00"))
    below = price([line(quantity=1, price="99.99")], [threshold()])
    assert (below.cart_discounts, below.total) == ((), D("99.99"))


def test_cart_threshold_is_read_against_the_subtotal_after_line_discounts():
    priced = price([line(quantity=10, price="10.00")], [threshold(), qty_break(min_quantity=10, percent="1")])
    assert priced.subtotal == D("99.00")
    assert (priced.cart_discounts, priced.total) == ((), D("99.00"))


def test_cart_threshold_fixed_amount_only_in_its_own_currency():
    rule = threshold(value="10", threshold_="50", value_type=ValueType.FIXED, currency="EUR")
    assert price([line(quantity=6)], [rule]).total == D("50.00")
    assert price([line(quantity=6)], [rule], currency="USD").total == D("60.00")


def test_first_order_only_when_it_is_the_first_order():
    first = PricingContext(now=FRIDAY_NOON, is_first_order=True)
    assert amounts(price([line(quantity=3, price="12.35")], [first_order()], first).cart_discounts) == [
        (4, D("3.71"))]  # 10 % of 37.05 = 3.705 → 3.71 (half up)
    assert price([line(quantity=3, price="12.35")], [first_order()]).cart_discounts == ()


def test_fixed_first_order_discount_is_capped_at_what_is_left():
    first = PricingContext(now=FRIDAY_NOON, is_first_order=True)
    rule = first_order(value="20", value_type=ValueType.FIXED, currency="EUR")
    priced = price([line(quantity=1, price="15.00")], [rule], first)
    assert amounts(priced.cart_discounts) == [(4, D("15.00"))]
    assert (priced.total, priced.total_discount) == (D("0.00"), D("15.00"))


def test_customer_group_discount_only_for_members_and_in_its_scope():
    wholesale = PricingContext(now=FRIDAY_NOON, customer_groups=frozenset({"wholesale", "vip"}))
    rule = group(scope=Scope.PRODUCTS, product_ids=frozenset({1}))
    priced = price([line(1, 2, "50.00"), line(2, 1, "50.00")], [rule], wholesale)
    assert [amounts(p.discounts) for p in priced.lines] == [[(5, D("7.00"))], []]
    assert price([line(1, 2, "50.00")], [rule]).total == D("100.00")
    retail = PricingContext(now=FRIDAY_NOON, customer_groups=frozenset({"retail"}))
    assert price([line(1, 2, "50.00")], [rule], retail).total == D("100.00")


def test_time_window_on_the_whole_cart_discounts_every_line():
    rule = window(starts_at=FRIDAY_NOON - timedelta(days=1), ends_at=FRIDAY_NOON + timedelta(days=1))
    priced = price([line(1, 1, "10.00"), line(2, 2, "2.50", category_id=3)], [rule])
    assert [amounts(p.discounts) for p in priced.lines] == [[(6, D("2.00"))], [(6, D("1.00"))]]
    assert priced.total == D("12.00")


# ----------------------------------------------------------------------------------------- time windows

def test_time_window_start_is_inclusive_and_end_exclusive():
    start = datetime(2026, 3, 1, 0, 0, tzinfo=KYIV)
    end = datetime(2026, 3, 8, 0, 0, tzinfo=KYIV)
    rule = window(starts_at=start, ends_at=end)
    assert not is_in_time_window(rule, start - timedelta(microseconds=1))
    assert is_in_time_window(rule, start)
    assert is_in_time_window(rule, end - timedelta(microseconds=1))
    assert not is_in_time_window(rule, end)


def test_time_window_compares_instants_whatever_the_time_zone_of_now():
    rule = window(starts_at=datetime(2026, 3, 6, 14, 0, tzinfo=KYIV))  # 12:00 UTC
    assert is_in_time_window(rule, datetime(2026, 3, 6, 12, 0, tzinfo=UTC))
    assert not is_in_time_window(rule, datetime(2026, 3, 6, 13, 59, tzinfo=ZoneInfo("Europe/Kyiv")))
    assert not is_in_time_window(rule, datetime(2026, 3, 6, 11, 59, 59, tzinfo=UTC))


def test_weekdays_and_hours_are_read_in_the_rules_time_zone():
    happy_hours = window(weekdays=frozenset({4}), daily_start=time(17), daily_end=time(19),
                         time_zone="Europe/Moscow")  # Moscow is UTC+3
    assert is_in_time_window(happy_hours, datetime(2026, 3, 6, 14, 0, tzinfo=UTC))  # Fri 17:00 Moscow
    assert is_in_time_window(happy_hours, datetime(2026, 3, 6, 15, 59, tzinfo=UTC))
    assert not is_in_time_window(happy_hours, datetime(2026, 3, 6, 16, 0, tzinfo=UTC))  # 19:00: end excluded
    assert not is_in_time_window(happy_hours, datetime(2026, 3, 6, 13, 59, tzinfo=UTC))
    assert not is_in_time_window(happy_hours, datetime(2026, 3, 5, 14, 0, tzinfo=UTC))  # a Thursday


def test_daily_hours_past_midnight_belong_to_the_day_they_started():
    friday_night = window(weekdays=frozenset({4}), daily_start=time(22), daily_end=time(2))
    assert is_in_time_window(friday_night, datetime(2026, 3, 6, 22, 0, tzinfo=UTC))
    assert is_in_time_window(friday_night, datetime(2026, 3, 7, 1, 59, tzinfo=UTC))  # Saturday 01:59
    assert not is_in_time_window(friday_night, datetime(2026, 3, 7, 2, 0, tzinfo=UTC))
    assert not is_in_time_window(friday_night, datetime(2026, 3, 6, 1, 0, tzinfo=UTC))  # Thursday's night
    assert not is_in_time_window(friday_night, datetime(2026, 3, 6, 21, 59, tzinfo=UTC))


def test_time_window_discount_is_applied_only_inside_the_window():
    rule = window(starts_at=FRIDAY_NOON, ends_at=FRIDAY_NOON + timedelta(hours=2))
    inside = price([line(quantity=1, price="10.00")], [rule])
    assert inside.total == D("8.00")
    after = price([line(quantity=1, price="10.00")], [rule], PricingContext(now=FRIDAY_NOON + timedelta(hours=2)))
    assert after.total == D("10.00")


# -------------------------------------------------------------------------------------------- combining

def test_competing_rules_give_the_line_only_the_best_one():
    rules = [qty_break(percent="10"), category_share(percent="15")]
    priced = price([line(1, 5, "20.00", category_id=7)], rules)
    assert amounts(priced.lines[0].discounts) == [(2, D("15.00"))]
    assert priced.total == D("85.00")


def test_stacking_rules_apply_after_the_best_one_on_what_is_left():
    wholesale = PricingContext(now=FRIDAY_NOON, customer_groups=frozenset({"wholesale"}))
    rules = [qty_break(percent="10"), category_share(percent="15"), group(percent="5", combine=Combine.STACK)]
    priced = price([line(1, 5, "20.00", category_id=7)], rules, wholesale)
    # best: 15 % of 100.00 = 15.00; then 5 % of 85.00 = 4.25
    assert amounts(priced.lines[0].discounts) == [(2, D("15.00")), (5, D("4.25"))]
    assert priced.total == D("80.75")


def test_stacking_rules_follow_priority_then_id():
    rules = [window(rule_id=9, percent="12.5", combine=Combine.STACK, priority=2, weekdays=frozenset({4})),
             window(rule_id=8, percent="10", combine=Combine.STACK, priority=1, weekdays=frozenset({4}))]
    priced = price([line(1, 1, "9.99")], rules)
    # 10 % of 9.99 = 0.999 → 1.00; 12.5 % of 8.99 = 1.12375 → 1.12
    assert amounts(priced.lines[0].discounts) == [(8, D("1.00")), (9, D("1.12"))]
    assert priced.total == D("7.87")


def test_a_tie_between_competing_rules_goes_to_priority_then_id():
    rules = [qty_break(rule_id=3, percent="10", priority=5), qty_break(rule_id=2, percent="10", priority=5),
             qty_break(rule_id=1, percent="10", priority=6)]
    priced = price([line(1, 5, "10.00")], rules)
    assert amounts(priced.lines[0].discounts) == [(2, D("5.00"))]


def test_competing_cart_rules_give_the_customer_the_larger_discount():
    first = PricingContext(now=FRIDAY_NOON, is_first_order=True)
    rules = [threshold(value="5"), first_order(value="10", value_type=ValueType.FIXED, currency="EUR")]
    assert amounts(price([line(quantity=15)], rules, first).cart_discounts) == [(4, D("10.00"))]  # 5 % = 7.50
    assert amounts(price([line(quantity=30)], rules, first).cart_discounts) == [(3, D("15.00"))]


def test_stacked_cart_percentages_come_before_fixed_amounts():
    first = PricingContext(now=FRIDAY_NOON, is_first_order=True)
    rules = [first_order(value="10", value_type=ValueType.FIXED, currency="EUR", combine=Combine.STACK, priority=0),
             threshold(value="10", combine=Combine.STACK, priority=5)]
    priced = price([line(quantity=10)], rules, first)
    assert amounts(priced.cart_discounts) == [(3, D("10.00")), (4, D("10.00"))]
    assert priced.total == D("80.00")


def test_the_best_cart_rule_comes_before_the_stacked_ones():
    first = PricingContext(now=FRIDAY_NOON, is_first_order=True)
    rules = [threshold(value="5", threshold_="150"),
             first_order(value="15", value_type=ValueType.FIXED, currency="EUR", combine=Combine.STACK)]
    priced = price([line(quantity=20)], rules, first)
    assert amounts(priced.cart_discounts) == [(3, D("10.00")), (4, D("15.00"))]
    assert (priced.subtotal, priced.total, priced.total_discount) == (D("200.00"), D("175.00"), D("25.00"))


def test_line_and_cart_discounts_add_up():
    first = PricingContext(now=FRIDAY_NOON, is_first_order=True)
    priced = price([line(1, 5, "20.00"), line(2, 1, "33.33")],
                   [qty_break(percent="10"), first_order(value="10")], first)
    # 100.00 − 10.00 + 33.33 = 123.33; 10 % = 12.333 → 12.33
    assert (priced.subtotal, amounts(priced.cart_discounts), priced.total) == (
        D("123.33"), [(4, D("12.33"))], D("111.00"))
    assert priced.total_discount == D("22.33")


def test_a_line_discounted_to_zero_takes_no_further_discount():
    rules = [category_share(percent="100"), group(percent="5", combine=Combine.STACK)]
    context = PricingContext(now=FRIDAY_NOON, customer_groups=frozenset({"wholesale"}))
    priced = price([line(1, 2, "3.00", category_id=7)], rules, context)
    assert (amounts(priced.lines[0].discounts), priced.total) == ([(2, D("6.00"))], D("0.00"))


def test_amounts_are_rounded_to_cents_half_up():
    priced = price([line(1, 3, "0.333")], [window(percent="10", weekdays=frozenset({4}))])
    # 3 × 0.333 = 0.999 → 1.00; 10 % of 1.00 = 0.10
    assert (priced.lines[0].undiscounted, priced.total) == (D("1.00"), D("0.90"))
    tiny = price([line(1, 1, "0.05")], [window(percent="10", weekdays=frozenset({4}))])
    assert tiny.total == D("0.04")  # 0.005 → 0.01


def test_inactive_rules_are_ignored_even_when_invalid():
    broken = replace(qty_break(), value=D("-3"), active=False)
    assert price([line(quantity=5)], [broken]).total == D("50.00")


def test_empty_cart_costs_nothing_whatever_the_rules():
    first = PricingContext(now=FRIDAY_NOON, is_first_order=True)
    priced = price([], [first_order(value="5", value_type=ValueType.FIXED, currency="EUR")], first)
    assert (priced.lines, priced.cart_discounts, priced.total) == ((), (), D("0.00"))


# ------------------------------------------------------------------------------------------ bad input

@pytest.mark.parametrize(("quantity", "unit_price"), [
    (0, D("1")), (-1, D("1")), (True, D("1")), (1.5, D("1")), (1, D("-0.01")), (1, 1.5), (1, "abc"),
    (1, D("NaN")), (1, D("Infinity")),
])
def test_bad_cart_lines_are_refused(quantity, unit_price):
    with pytest.raises(PricingError):
        CartLine(product_id=1, category_id=None, quantity=quantity, unit_price=unit_price)


def test_a_naive_moment_is_refused():
    with pytest.raises(PricingError, match="timezone-aware"):
        PricingContext(now=datetime(2026, 3, 6, 12, 0))


def test_an_unknown_currency_is_refused():
    with pytest.raises(PricingError, match="currency"):
        price_cart([line()], "XYZ", CONTEXT, [])


def test_an_invalid_active_rule_stops_pricing_with_its_errors():
    with pytest.raises(InvalidRuleError) as caught:
        price([line()], [qty_break(rule_id=4, percent="150"), group(rule_id=5)])
    assert list(caught.value.errors) == [4]
    assert "value" in caught.value.errors[4]


def test_duplicate_rule_ids_are_refused():
    with pytest.raises(PricingError, match="unique"):
        price([line()], [qty_break(rule_id=1), group(rule_id=1)])


# ------------------------------------------------------------------------------------------ explanations

def test_explanations_say_why_each_discount_was_given():
    first = PricingContext(now=FRIDAY_NOON, is_first_order=True, customer_groups=frozenset({"wholesale"}))
    rules = [qty_break(percent="10"), category_share(percent="12.5", priority=-1),
             threshold(value="5", value_type=ValueType.FIXED, threshold_="50", combine=Combine.STACK),
             first_order(value="3", combine=Combine.STACK), group(percent="2", combine=Combine.STACK),
             window(percent="1", combine=Combine.STACK, weekdays=frozenset({4}))]
    priced = price([line(1, 5, "10.00"), line(2, 4, "10.00", category_id=7)], rules, first, currency="USD")
    with translation.override("en"):
        shown = [(e.product_id, e.text) for e in explain(priced)]
    # the threshold rule is in EUR: it never applies to a USD cart
    assert shown == [
        (1, "−10 %: 5 or more of this item"),
        (1, "−2 % for your customer group: Wholesale price"),
        (1, "−1 %, limited time: Spring sale"),
        (2, "−12.5 % on this category: Tea week"),
        (2, "−2 % for your customer group: Wholesale price"),
        (2, "−1 %, limited time: Spring sale"),
        (None, "−3 %: your first order"),
    ]


def test_explanation_of_a_fixed_cart_discount_names_the_threshold_and_the_amount():
    rule = threshold(value="5", value_type=ValueType.FIXED, threshold_="50")
    priced = price([line(quantity=6)], [rule])
    with translation.override("en"):
        [shown] = explain(priced)
        assert shown.text == "−€5.00: order of €50.00 or more"
        assert str(shown) == "−€5.00: order of €50.00 or more (−€5.00)"
    assert (shown.product_id, shown.rule_id, shown.amount) == (None, 3, D("5.00"))


@pytest.mark.parametrize(("language", "expected"), [
    # non-breaking spaces keep "10 %" and "5 шт." together on a narrow screen
    ("ru", "−10\u00a0%: от 5\u00a0шт. этого товара"),
    ("uk", "−10\u00a0%: від 5\u00a0шт. цього товару"),
])
def test_explanations_are_translated(language, expected):
    priced = price([line(quantity=5)], [qty_break()])
    with translation.override(language):
        assert explain(priced)[0].text == expected


def test_percentages_follow_the_languages_decimal_separator():
    priced = price([line(1, 1, "10.00", category_id=7)], [category_share(percent="12.5")])
    with translation.override("ru"):
        assert explain(priced)[0].text.startswith("−12,5\u00a0%")


def test_stored_facts_explain_the_same_discount_later_in_any_language():
    rules = [qty_break(percent="12.5"), threshold(value="5", value_type=ValueType.FIXED, threshold_="50",
                                                  combine=Combine.STACK)]
    priced = price([line(quantity=6)], rules)
    shown = explain(priced)
    stored = [item.facts.to_json() for item in shown]
    assert stored[0] == {"kind": "quantity_break", "value_type": "percent", "value": "12.5", "currency": "EUR",
                         "amount": "7.50", "title": "Bulk", "min_quantity": 5, "rule_id": 1}
    assert all(isinstance(value, (str, int)) for record in stored for value in record.values())  # no floats
    again = [DiscountFacts.from_json(record) for record in stored]
    assert again == [item.facts for item in shown]
    for language in ("en", "ru", "uk"):
        with translation.override(language):
            assert [str(facts) for facts in again] == [str(item) for item in explain(priced)]
    with translation.override("uk"):
        assert again[1].text == "−5,00\u00a0EUR: замовлення від 50,00\u00a0EUR"


@pytest.mark.parametrize("record", [
    None, "text", [], {}, {"kind": "quantity_break"},
    {"kind": "teleport", "value_type": "percent", "value": "10", "currency": "EUR", "amount": "1.00"},
    {"kind": "first_order", "value_type": "percent", "value": 10.5, "currency": "EUR", "amount": "1.00"},
    {"kind": "first_order", "value_type": "percent", "value": "NaN", "currency": "EUR", "amount": "1.00"},
    {"kind": "first_order", "value_type": "percent", "value": "10", "currency": "GBP", "amount": "1.00"},
    {"kind": "first_order", "value_type": "percent", "value": "10", "currency": "EUR", "amount": "x"},
])
def test_a_record_that_is_not_stored_facts_is_refused(record):
    with pytest.raises(PricingError):
        DiscountFacts.from_json(record)


# ------------------------------------------------------------------------------------------ validation

def test_valid_rules_of_every_kind_have_no_errors():
    rules = [qty_break(), category_share(), threshold(), first_order(),
             first_order(value="5", value_type=ValueType.FIXED, currency="UAH"), group(),
             window(starts_at=FRIDAY_NOON, ends_at=FRIDAY_NOON + timedelta(hours=1)),
             window(weekdays=frozenset({5, 6}), daily_start=time(9), daily_end=time(12), time_zone="Europe/Kyiv",
                    scope=Scope.CATEGORIES, category_ids=frozenset({1}))]
    assert [validate_rule(r) for r in rules] == [{}] * len(rules)


@pytest.mark.parametrize(("rule", "field"), [
    (qty_break(percent="0"), "value"),
    (qty_break(percent="100.01"), "value"),
    (qty_break(percent="-5"), "value"),
    (qty_break(percent="10.125"), "value"),
    (replace(qty_break(), value=D("NaN")), "value"),
    (first_order(value="-5", value_type=ValueType.FIXED, currency="EUR"), "value"),
    (first_order(value="0", value_type=ValueType.FIXED, currency="EUR"), "value"),
    (first_order(value="5", value_type=ValueType.FIXED), "currency"),
    (first_order(value="5", value_type=ValueType.FIXED, currency="GBP"), "currency"),
    (first_order(value_type="barter"), "value_type"),
    (replace(qty_break(), value_type=ValueType.FIXED, currency="EUR"), "value_type"),
    (threshold(threshold_="0"), "threshold"),
    (threshold(threshold_="-10"), "threshold"),
    (threshold(threshold_="10.001"), "threshold"),
    (replace(threshold(), threshold=None), "threshold"),
    (threshold(currency=None), "currency"),
    (replace(first_order(), threshold=D("10")), "threshold"),
    (replace(qty_break(), kind="buy_one_get_one"), "kind"),
    (replace(qty_break(), scope="planet"), "scope"),
    (replace(qty_break(), combine="sometimes"), "combine"),
    (replace(qty_break(), title="  "), "title"),
    (qty_break(min_quantity=0), "min_quantity"),
    (qty_break(min_quantity=None), "min_quantity"),
    (replace(group(), min_quantity=3), "min_quantity"),
    (qty_break(products=()), "product_ids"),
    (replace(qty_break(), scope=Scope.CART, product_ids=frozenset()), "scope"),
    (replace(category_share(), scope=Scope.PRODUCTS, product_ids=frozenset({1})), "scope"),
    (category_share(categories=()), "category_ids"),
    (replace(threshold(), category_ids=frozenset({1})), "category_ids"),
    (replace(threshold(), scope=Scope.CATEGORIES, category_ids=frozenset({1})), "scope"),
    (group(name=""), "customer_group"),
    (group(name=None), "customer_group"),
    (replace(qty_break(), customer_group="vip"), "customer_group"),
    (window(starts_at=FRIDAY_NOON, ends_at=FRIDAY_NOON - timedelta(seconds=1)), "ends_at"),
    (window(starts_at=FRIDAY_NOON, ends_at=FRIDAY_NOON), "ends_at"),
    (window(starts_at=datetime(2026, 3, 1)), "starts_at"),
    (window(starts_at=FRIDAY_NOON, ends_at=datetime(2026, 3, 9)), "ends_at"),
    (window(), "starts_at"),
    (window(weekdays=frozenset({7})), "weekdays"),
    (window(daily_start=time(9)), "daily_end"),
    (window(daily_start=time(9), daily_end=time(9)), "daily_end"),
    (window(weekdays=frozenset({1}), time_zone="Mars/Olympus"), "time_zone"),
    (replace(group(), starts_at=FRIDAY_NOON), "starts_at"),
])
def test_bad_rules_get_field_errors(rule, field):
    errors = validate_rule(rule)
    assert field in errors, errors
    assert all(isinstance(m, str) and m for messages in errors.values() for m in messages)


def test_validation_messages_are_translated():
    with translation.override("ru"):
        errors = validate_rule(qty_break(percent="0"))
    assert errors["value"] == ["Процент должен быть больше 0 и не больше 100."]


# ------------------------------------------------------------------------------------------ properties

PROPERTY_SETTINGS = settings(deadline=None, max_examples=200)
money = st.decimals(min_value=D("0"), max_value=D("2000"), places=2)
percents = st.decimals(min_value=D("0.01"), max_value=D("100"), places=2)
ids = st.integers(min_value=1, max_value=6)


@st.composite
def cart_lines(draw):
    return draw(st.lists(st.builds(CartLine, product_id=ids, category_id=st.none() | st.integers(1, 3),
                                   quantity=st.integers(1, 50),
                                   unit_price=money | st.decimals(min_value=D("0"), max_value=D("50"), places=3)),
                         max_size=6))


@st.composite
def rule_lists(draw):
    """Valid rules of every kind, with unique ids and random priorities, scopes and combine modes."""
    count = draw(st.integers(0, 8))
    rules = []
    for rule_id in draw(st.lists(st.integers(1, 1000), min_size=count, max_size=count, unique=True)):
        kind = draw(st.sampled_from(list(RuleKind)))
        common = {"id": rule_id, "title": f"Rule {rule_id}", "kind": kind, "value": draw(percents),
                  "combine": draw(st.sampled_from(list(Combine))), "priority": draw(st.integers(-3, 3))}
        scope = draw(st.sampled_from(sorted(ALLOWED_SCOPES[kind])))
        common["scope"] = scope
        if scope == Scope.PRODUCTS:
            common["product_ids"] = frozenset(draw(st.lists(ids, min_size=1, max_size=3)))
        if scope == Scope.CATEGORIES:
            common["category_ids"] = frozenset(draw(st.lists(st.integers(1, 3), min_size=1, max_size=2)))
        if kind in (RuleKind.CART_THRESHOLD, RuleKind.FIRST_ORDER) and draw(st.booleans()):
            common.update(value_type=ValueType.FIXED, value=draw(st.decimals(D("0.01"), D("300"), places=2)))
        if common.get("value_type") == ValueType.FIXED or kind == RuleKind.CART_THRESHOLD:
            common["currency"] = draw(st.sampled_from(["EUR", "USD"]))
        if kind == RuleKind.QUANTITY_BREAK:
            common["min_quantity"] = draw(st.integers(1, 20))
        if kind == RuleKind.CART_THRESHOLD:
            common["threshold"] = draw(st.decimals(D("0.01"), D("3000"), places=2))
        if kind == RuleKind.CUSTOMER_GROUP:
            common["customer_group"] = draw(st.sampled_from(["wholesale", "vip"]))
        if kind == RuleKind.CONDITION:
            common["condition"] = draw(st.sampled_from(["clubs.member:1", "clubs.member:2"]))
        if kind == RuleKind.TIME_WINDOW:
            start = FRIDAY_NOON + timedelta(hours=draw(st.integers(-48, 24)))
            common.update(starts_at=start, ends_at=start + timedelta(hours=draw(st.integers(1, 72))),
                          weekdays=frozenset(draw(st.lists(st.integers(0, 6), max_size=3))))
        rule = Rule(**common)
        assert validate_rule(rule) == {}, validate_rule(rule)
        rules.append(rule)
    return rules


contexts = st.builds(PricingContext, now=st.just(FRIDAY_NOON),
                     customer_groups=st.frozensets(st.sampled_from(["wholesale", "vip", "retail"])),
                     is_first_order=st.booleans())


def _assert_consistent(priced: PricedCart) -> None:
    cent = D("0.01")
    assert priced.total >= 0
    assert priced.total <= priced.undiscounted
    assert priced.total_discount == priced.undiscounted - priced.total
    assert priced.subtotal == sum((p.total for p in priced.lines), D(0))
    assert priced.undiscounted == sum((p.undiscounted for p in priced.lines), D(0))
    assert priced.total == priced.subtotal - sum((d.amount for d in priced.cart_discounts), D(0))
    for p in priced.lines:
        assert 0 <= p.total <= p.undiscounted
        assert p.total == p.undiscounted - sum((d.amount for d in p.discounts), D(0))
        assert all(d.amount > 0 for d in p.discounts)
    figures = [priced.total, priced.subtotal, priced.undiscounted, *(d.amount for d in priced.cart_discounts),
               *(x for p in priced.lines for x in (p.total, p.undiscounted, *(d.amount for d in p.discounts)))]
    assert all(x == x.quantize(cent) and x.as_tuple().exponent == -2 for x in figures)


@PROPERTY_SETTINGS
@given(lines=cart_lines(), rules=rule_lists(), context=contexts, currency=st.sampled_from(["EUR", "USD"]))
def test_any_cart_gets_a_consistent_price_never_negative_nor_above_the_undiscounted_sum(
        lines, rules, context, currency):
    _assert_consistent(price_cart(lines, currency, context, rules))


@PROPERTY_SETTINGS
@given(lines=cart_lines(), rules=rule_lists(), context=contexts, data=st.data())
def test_the_price_does_not_depend_on_the_order_of_the_rules(lines, rules, context, data):
    shuffled = data.draw(st.permutations(rules))
    assert price_cart(lines, "EUR", context, shuffled) == price_cart(lines, "EUR", context, rules)


@PROPERTY_SETTINGS
@given(lines=cart_lines(), rules=rule_lists(), context=contexts,
       zone=st.sampled_from(["UTC", "Europe/Kyiv", "America/New_York", "Asia/Tokyo"]))
def test_pricing_is_a_pure_function_of_its_inputs(lines, rules, context, zone):
    first = price_cart(lines, "EUR", context, rules)
    assert price_cart(list(lines), "EUR", context, list(rules)) == first
    # the same instant written in another time zone is the same moment
    elsewhere = replace(context, now=context.now.astimezone(ZoneInfo(zone)))
    assert price_cart(lines, "EUR", elsewhere, rules) == first
    with translation.override("ru"):
        assert price_cart(lines, "EUR", context, rules) == first


@PROPERTY_SETTINGS
@given(lines=cart_lines(), rules=rule_lists(), context=contexts)
def test_without_rules_nothing_is_discounted_and_inactive_rules_change_nothing(lines, rules, context):
    plain = price_cart(lines, "EUR", context, [])
    assert plain.total == plain.undiscounted == plain.subtotal
    switched_off = [replace(r, active=False) for r in rules]
    assert price_cart(lines, "EUR", context, switched_off) == plain


def test_a_condition_rule_applies_only_to_a_customer_who_meets_its_condition():
    rule = Rule(id=1, title="Club", kind=RuleKind.CONDITION, value=D("20"), condition="clubs.member:3")
    lines = [CartLine(product_id=1, category_id=None, quantity=1, unit_price=D("100.00"))]
    member = PricingContext(now=FRIDAY_NOON, conditions=frozenset({"clubs.member:3"}))
    other = PricingContext(now=FRIDAY_NOON, conditions=frozenset({"clubs.member:4"}))
    assert price_cart(lines, "EUR", member, [rule]).total == D("80.00")
    assert price_cart(lines, "EUR", other, [rule]).total == D("100.00")
    assert "condition" in validate_rule(replace(rule, condition=None))
    assert "condition" in validate_rule(replace(rule, kind=RuleKind.FIRST_ORDER, scope="cart"))

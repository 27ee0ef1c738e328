"""Phones are now checked by libphonenumber. Numbers stored before were "+ and 8–15 digits"; a valid one
written with its national trunk prefix after the country code (+7 8 912…, +38 0 50…, +44 0 20…) is rewritten
in E.164, unless another account already has that number. Anything libphonenumber does not know as valid is
left as it is: it still signs in, and its owner is asked for a valid number when they next edit it. Reads
only rows that have a phone and writes only those that change."""

from django.db import migrations

BATCH = 500


def _e164(value):
    import phonenumbers

    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_phones(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    DeliveryAddress = apps.get_model("accounts", "DeliveryAddress")
    taken = set(User.objects.exclude(phone=None).values_list("phone", flat=True))
    changed = []
    for user in User.objects.exclude(phone=None).only("id", "phone").iterator(chunk_size=BATCH):
        better = _e164(user.phone)
        if better and better != user.phone and better not in taken:
            taken.discard(user.phone)
            taken.add(better)
            user.phone = better
            changed.append(user)
    User.objects.bulk_update(changed, ["phone"], batch_size=BATCH)
    addresses = []
    for address in DeliveryAddress.objects.exclude(phone="").only("id", "phone").iterator(chunk_size=BATCH):
        better = _e164(address.phone)
        if better and better != address.phone:
            address.phone = better
            addresses.append(address)
    DeliveryAddress.objects.bulk_update(addresses, ["phone"], batch_size=BATCH)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_sign_in_history_from_axes'),
    ]

    operations = [
        migrations.RunPython(normalise_phones, migrations.RunPython.noop, elidable=True),
    ]

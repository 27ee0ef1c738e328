"""A customer's favourite products, and what is erased with the customer."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from ..models import Favourite, Product

# --- Favourites ----------------------------------------------------------------------------------------------

def toggle_favourite(customer, product: Product) -> bool:
    """Adds or removes the product from the customer's favourites; True when it is a favourite now."""
    deleted, _rows = Favourite.objects.filter(customer=customer, product=product).delete()
    if deleted:
        return False
    try:
        with transaction.atomic():
            Favourite.objects.create(customer=customer, product=product)
    except IntegrityError:  # a double click added it meanwhile
        pass
    return True


def erase_personal_data(user) -> None:
    Favourite.objects.filter(customer=user).delete()

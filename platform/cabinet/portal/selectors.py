from django.contrib.auth import get_user_model


def manage_figures() -> dict[str, int]:
    """Headline numbers of the business for its manage area, from the current schema."""
    User = get_user_model()
    people = User.objects.filter(is_active=True)
    return {
        "customers": people.filter(role=User.Role.CUSTOMER).count(),
        "staff": people.exclude(role=User.Role.CUSTOMER).count(),
    }

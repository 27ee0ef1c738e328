"""Writes about accounts, by subject: `profile` (sign-in links, e-mail confirmation, registration, profile,
addresses, notification choices, deletion), `passwords` (reset links, staff help, temporary passwords,
the account's history), `customers` (contract and account numbers, customer groups) and `birthdays` (the date
of birth and the yearly announcement of the day)."""

from .birthdays import announce_birthdays, check_birth_date
from .customers import (
    NUMBER_MAX_LENGTH,
    ImportReport,
    add_to_customer_group,
    attach_account_number,
    create_customer_group,
    delete_customer_group,
    import_account_numbers,
    remove_account_number,
    remove_from_customer_group,
    rename_customer_group,
)
from .passwords import (
    WRONG_CODE,
    choose_new_password,
    delete_old_account_records,
    email_reset_link,
    make_password_link,
    password_changed,
    password_link_user,
    password_reset_completed,
    record_event,
    request_password_reset,
    request_sms_reset_code,
    reset_password_with_code,
    set_temporary_password,
    use_password_link,
)
from .profile import (
    DELETED_NAME,
    FAILED,
    HELD,
    LOGIN_TOKEN_LIFETIME,
    SENT,
    cancel_email_change,
    confirm_email,
    delete_account,
    delete_address,
    issue_login_token,
    redeem_login_token,
    register_customer,
    request_email_change,
    save_address,
    save_notification_preferences,
    send_email_verification,
    set_default_address,
    set_language,
    update_profile,
)

__all__ = [
    "NUMBER_MAX_LENGTH", "ImportReport", "add_to_customer_group", "attach_account_number", "create_customer_group", "delete_customer_group", "import_account_numbers", "remove_account_number", "remove_from_customer_group", "rename_customer_group",
    "DELETED_NAME", "FAILED", "HELD", "LOGIN_TOKEN_LIFETIME", "SENT", "cancel_email_change", "choose_new_password",
    "confirm_email", "delete_account", "delete_address", "delete_old_account_records", "email_reset_link",
    "issue_login_token", "make_password_link", "password_changed", "password_link_user", "password_reset_completed",
    "record_event", "redeem_login_token", "register_customer", "request_email_change", "request_password_reset",
    "request_sms_reset_code", "reset_password_with_code", "WRONG_CODE",
    "save_address", "save_notification_preferences", "send_email_verification", "set_default_address",
    "set_language", "set_temporary_password", "update_profile", "use_password_link",
    "announce_birthdays", "check_birth_date",
]

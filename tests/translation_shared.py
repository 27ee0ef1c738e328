"""Source strings that may share one Russian or Ukrainian translation (tests/test_translations.py).

Two different English strings with one translation are usually a mistake: a translation copied to the wrong
entry ("View portal" read «Создать портал»), or a word that needs telling apart in context. A set below is
allowed only when its strings really mean the same thing to the reader, or when the language has one form
for both. A string with a context is written "context\\x04msgid", as gettext keys it. Keep the list short:
prefer a better translation, or a context (pgettext) where one English word means two things.
"""

CTX = "\x04"

INTENDED: list[tuple[tuple[str, ...], str]] = [
    (("Log in", "Sign in"), "customers log in, staff sign in: one action, «Войти» / «Увійти»"),
    (("Log out", "Sign out"), "the same action in the portal and the manage area: «Выйти» / «Вийти»"),
    (("Change", "Edit"), "one verb for changing a role, a schedule, an address or an article: «Изменить» / «Змінити»"),
    (("Create a portal", "Create portal"), "the platform's menu link and the signup button do the same thing"),
    (("Pause", "Suspend"), "pausing a recurring order and suspending a business are one verb: «Приостановить»"),
    (("Paused", "Suspended"), "their states (ru «Приостановлен»; uk tells them apart by gender)"),
    (("Revoke", "Withdraw"), "revoking an API key and withdrawing an invitation: «Отозвать» / «Відкликати»"),
    (("Amount", "Sum"), "the money column of an invoice line and of an order line in the manage area"),
    (("Whole cart", "The whole cart"), "a discount's scope as a choice and as the text of its preview"),
    (("Attributes", "Specifications"), "what staff enter as attributes customers read as specifications"),
    (("Subject", "Title"), "a request's subject and an article's title are both a headline: «Заголовок»"),
    (("Name", f"document{CTX}Title"), "the name of a thing (product, key, group) and a document's title: «Название»"),
    (("label", "name", "title"), "a thing's label, name and title are one word in both languages: «название» / «назва»"),
    (("customer", "the customer"), "the model's name and who changed an order's status"),
    (("Order", "Orders", "The order"), "a support topic and the order link of an e-mail; uk «замовлення» is one form"),
    (("%(attached)s numbers attached, %(unchanged)s were already in place.",
      "Attached %(attached)s numbers; %(unchanged)s were already in place."),
     "the same result as a message after the import and inside its report"),
    (("%(created)s products created, %(updated)s updated.", "Created %(created)s products, updated %(updated)s."),
     "the same result as a message after the import and inside its report"),
    (("franchisee", "franchisees"), "франчайзи / франчайзі do not change in the plural"),
    (("booking", "bookings"), "uk «бронювання» is the same in the plural"),
    (("purchase order", "purchase orders"), "uk «замовлення на закупівлю» is the same in the plural"),
    (("Request", "Requests"), "uk «звернення» is the same in the plural"),
    (("New", f"support request{CTX}New"), "uk «Нове» fits both the order and the request (neuter); ru tells them apart"),
    (("Goods", "Product"), "the kind of a catalog item beside «Услуга»: «Товар» is both the kind and the product"),
    (("Products", f"many items{CTX}Goods"), "the catalog's products and the goods of an order: «Товары» / «Товари»"),
    (("no", "none"), "ru: a yes/no value and a missing e-mail or phone both read «нет» (uk tells them apart)"),
    (("Your first name", "Your name"), "signup asks the first name beside the last name: «Ваше имя» / «Ваше ім’я» is both"),
    (("Add", "Upload"), "uk: a document is uploaded with «Додати», so it is not read as «Завантажити» (download)"),
]

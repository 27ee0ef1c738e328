"""The crawler: for each role (a visitor, a customer, each staff role, platform staff) and each language, real
Chromium at 360 px visits every page reachable from the navigation, every argument-free URL of every enabled
module and the pages those link to, on a business with every module on, the verticals' demo content and
Cyrillic names, titles and slugs. A page fails on a 5xx, on sideways scrolling (the document wider than the
phone), on a console error, and in Russian or Ukrainian on an English source string of our catalogues
(one whose translation differs and that has two words or more) left in its text.

One browser, one context and one page for the whole run: a role is a session cookie, a language a cookie."""

import re
import time
from dataclasses import dataclass, field
from decimal import Decimal
from http.client import HTTPConnection
from urllib.parse import unquote, urlsplit

import pytest
from babel.messages.pofile import read_po
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django_tenants.utils import tenant_context

import verticals
from cabinet import registry
from cabinet.launcher import ROOT
from conftest import PLATFORM_STAFF
from tenants import services
from tenants.models import Tenant
from tests.e2e.conftest import ARTIFACTS

SLUG = "e2e-crawl"
PASSWORD = "Crawl-All-Pages-2026"
LANGUAGES = ("en", "ru", "uk")
ROLES = ("anonymous", "customer", "owner", "manager", "operator", "editor", "platform")
STAFF = {"owner": "owner@e2e-crawl.example", "manager": "manager@e2e-crawl.example",
         "operator": "operator@e2e-crawl.example", "editor": "editor@e2e-crawl.example"}
CUSTOMER = "anna@guest.demo"  # the first demo customer: an order, a request, documents
MAX_PAGES_PER_ROLE = 90
SAME_KIND = 2  # pages found by following links that share all but their last path segment
# Pages that are not ours to lay out or translate (Wagtail's own admin) are only checked for a 5xx.
FOREIGN = ("/manage/news/admin/",)
NEVER = ("logout", "/i18n/", "/static/", "/media/", "/setlang")

# The browser's own complaint about the main document's 4xx is not a page error; a 4xx is judged by status.
FAILED_LOAD = re.compile(r"Failed to load resource: the server responded with a status of 4\d\d")


# Findings in other areas that are reported, not failed on, until they are fixed there (remove the line then).
KNOWN_ISSUES: tuple[tuple[re.Pattern, str], ...] = ()

# --- Our catalogues' English strings ---------------------------------------------------------------------

PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\{.*?\}\}")

def untranslated_patterns() -> dict[str, re.Pattern]:
    """Per language, one pattern matching a whole text that is an English msgid of our catalogues whose
    translation differs from it and that has at least two words (placeholders match any text)."""
    patterns: dict[str, re.Pattern] = {}
    catalogues = [p for p in ROOT.rglob("django.po") if ".venv" not in p.parts and "site-packages" not in p.parts]
    for language in ("ru", "uk"):
        sources: set[str] = set()
        for path in catalogues:
            if f"/{language}/LC_MESSAGES/" not in str(path):
                continue
            with open(path, "rb") as handle:
                catalogue = read_po(handle, locale=language)
            for message in catalogue:
                ids = message.id if isinstance(message.id, tuple) else (message.id,)
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                if not message.id or not any(strings) or message.fuzzy:
                    continue
                for msgid in ids:
                    literal = PLACEHOLDER.sub(" ", msgid)
                    if msgid in strings or "<" in msgid or len(re.findall(r"[A-Za-z]{2,}", literal)) < 2:
                        continue
                    sources.add(msgid)
        alternatives = []
        for msgid in sorted(sources, key=len, reverse=True):
            text = " ".join(msgid.split())
            parts = PLACEHOLDER.split(text)
            alternatives.append(r".+?".join(re.escape(part) for part in parts))
        patterns[language] = re.compile("(?:" + "|".join(alternatives) + ")")
    return patterns


# What the page says: every text node, each element's whole text, and the labels people hear. Text marked as
# another language (`lang` on an element, such as a message as it was sent in its recipient's language) is not
# the page's to translate.
PAGE_TEXTS = """() => {
  const texts = new Set();
  const add = (value) => { const text = (value || "").replace(/\\s+/g, " ").trim(); if (text) texts.add(text); };
  const pageLanguage = document.documentElement.lang;
  const foreign = (element) => { const marked = element.closest("[lang]"); return marked && marked.lang !== pageLanguage; };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const parent = walker.currentNode.parentElement;
    if (parent && !parent.closest("script, style, template, noscript") && !foreign(parent)) add(walker.currentNode.textContent);
  }
  for (const element of document.body.querySelectorAll("p, li, h1, h2, h3, h4, label, button, a, th, td, legend, summary, dt, dd, option, span")) {
    if (element.childElementCount <= 6 && !foreign(element) && ![...element.querySelectorAll("[lang]")].some((inner) => inner.lang !== pageLanguage)) add(element.textContent);
  }
  for (const element of document.querySelectorAll("[placeholder], [aria-label], [title], img[alt], input[type=submit]")) {
    add(element.getAttribute("placeholder")); add(element.getAttribute("aria-label"));
    add(element.getAttribute("title")); add(element.getAttribute("alt"));
    if (element.matches("input[type=submit]")) add(element.value);
  }
  add(document.title);
  return [...texts];
}"""

OVERFLOW = """() => {
  const doc = document.documentElement;
  if (doc.scrollWidth <= doc.clientWidth) return null;
  const clipped = (element) => {
    for (let e = element.parentElement; e && e !== document.body; e = e.parentElement) {
      if (["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(e).overflowX)) return true;
    }
    return false;
  };
  const name = (e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
    + (typeof e.className === "string" && e.className.trim() ? "." + e.className.trim().split(/\\s+/).join(".") : "");
  const limit = doc.clientWidth + 1;
  const sticksOut = (e) => e.getBoundingClientRect().right > limit
    && (!e.parentElement || e.parentElement.getBoundingClientRect().right <= limit);
  const all = [...document.body.querySelectorAll("*")];
  let wide = all.filter((e) => sticksOut(e) && !clipped(e));
  if (!wide.length) wide = all.filter((e) => e.getBoundingClientRect().right > limit
    && (!clipped(e) || ["absolute", "fixed"].includes(getComputedStyle(e).position)));
  return {width: doc.scrollWidth, viewport: doc.clientWidth, elements: wide.slice(0, 6).map(name)};
}"""

LINKS = """() => [...document.querySelectorAll("a[href]")].filter((a) => !a.hasAttribute("download"))
  .map((a) => ({href: a.href, nav: !!a.closest("header")}))"""


# --- The business ---------------------------------------------------------------------------------------

def _seed_cyrillic(owner, customer):
    """Cyrillic names, titles and slugs in every module, next to the verticals' English demo content."""
    from cabinet.accounts import services as accounts
    from cabinet.modules.catalog import services as catalog
    from cabinet.modules.documents import services as documents
    from cabinet.modules.feedback import services as feedback
    from cabinet.modules.orders import services as orders
    from cabinet.modules.orders.models import DiscountRule
    from cabinet.modules.support import services as support
    from cabinet.modules.support.selectors import finished_request, topic_list
    from cabinet.portal.selectors import portal_state
    from cms.models import ArticlePage
    from cms.services import ensure_news_index

    User = get_user_model()
    drinks = catalog.save_category(name="Напої та чай")
    warehouse = catalog.save_warehouse(name="Склад «Поділ»", address="Київ, вул. Хорошавина, 1", is_pickup_point=True)
    tea = catalog.save_product(None, catalog.ProductData(
        name="Зелений чай «Сенча», 100 г", price="185.00", currency="UAH", category=drinks, sku="ЧАЙ-100",
        description="Свіжий урожай цього року. Заварюйте при 80 °C.", attributes={"Вага": "100 г", "Країна": "Японія"}))
    catalog.set_stock(tea, warehouse, 50)
    DiscountRule.objects.create(title="Знижка для постійних клієнтів: від 3 пачок", kind=DiscountRule.Kind.QUANTITY_BREAK,
                                value=Decimal("5"), min_quantity=3)
    order = orders.place_order(customer, orders.lines_from_items([(tea.pk, 4)]), {
        "recipient_name": "Анна Петрова", "phone": "+380441234567", "delivery_method": "delivery",
        "address": "Київ, просп. Перемоги, 12, кв. 7", "comment": "Будь ласка, зателефонуйте заздалегідь."})
    orders.change_status(order, "confirmed", owner)
    olena = User.objects.create_user("oleksandr@klient.example", PASSWORD, full_name="Олександр Петренко-Заболотний")
    accounts.attach_account_number(contact="oleksandr@klient.example", number="ДОГ-2026-0042", kind="contract")
    group = accounts.create_customer_group("Постійні клієнти")
    group.members.add(olena, customer)
    pdf = SimpleUploadedFile("акт.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf")
    documents.upload_document(customer=customer, title="Акт виконаних робіт № 15 від 1 березня",
                              category="act", upload=pdf, uploaded_by=owner)
    topics = topic_list(portal_state().setting("support", "topics"))
    request = support.create_request(customer=customer, topic=topics[0], topics=topics,
                                     subject="Питання щодо доставки замовлення",
                                     message="Доброго дня! Коли приїде моє замовлення?", contact_name="Анна",
                                     contact_email=customer.email)
    support.add_reply(request, author=owner, body="Добрий день! Завтра до обіду.")
    support.change_status(request, "resolved", by=owner)
    request = finished_request(customer, request.pk)
    feedback.rate_request(request, customer=customer, score=5, comment="Дуже швидко, дякую!")
    index = ensure_news_index()
    article = index.add_child(instance=ArticlePage(
        title="Новини сезону: відкриття літньої тераси", slug="новини-сезону", intro="Що нового цього літа.",
        body="<p>Ми відкрили літню терасу з видом на море.</p>", topic="general"))
    article.save_revision().publish()


@pytest.fixture(scope="module")
def crawl_tenant(django_db_blocker):
    """A resort with every module on, the demo content of every vertical, Cyrillic content, one staff member
    of each role. Committed (Daphne reads it), deleted afterwards."""
    from cabinet.portal.services import enable_with_dependencies

    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        for old in Tenant.objects.filter(slug=SLUG):
            services.delete_tenant(old)
        tenant = services.create_tenant(slug=SLUG, name="Сонячний берег", vertical="resort",
                                        owner_email=STAFF["owner"], owner_password=PASSWORD,
                                        owner_name="Оксана Білик").tenant
        with tenant_context(tenant):
            User = get_user_model()
            for key in registry.modules():
                enable_with_dependencies(key)
            for vertical in verticals.VERTICALS.values():
                verticals.seed_demo_content(vertical)
            for role in ("manager", "operator", "editor"):
                User.objects.create_user(STAFF[role], PASSWORD, role=role, is_staff=True,
                                         full_name=f"Співробітник ({role})")
            from cms.services import ensure_editor_access

            ensure_editor_access(User.objects.get(email=STAFF["editor"]))
            owner = User.objects.get(email=STAFF["owner"])
            customer = User.objects.get(email=CUSTOMER)
            _seed_cyrillic(owner, customer)
            User.objects.update(language="")  # the language cookie decides
            tenant.own_texts = business_texts()
        connection.set_schema_to_public()
    yield tenant
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        for old in Tenant.objects.filter(slug=SLUG):
            services.delete_tenant(old)


def business_texts() -> frozenset[str]:
    """Texts the business keeps as its own data (its welcome text and request topics copied in English from
    the vertical, the demo content's names and titles): what the business wrote, not strings of our catalogues,
    even where a demo text repeats one."""
    from cabinet.modules.catalog.models import Category, Product, Warehouse
    from cabinet.modules.orders.models import DiscountRule
    from cabinet.portal.selectors import portal_state
    from cms.models import ArticlePage

    state = portal_state()
    lines = [state.branding.get("welcome_text", ""), *(state.setting("support", "topics") or "").splitlines(),
             *Warehouse.objects.values_list("name", flat=True), *DiscountRule.objects.values_list("title", flat=True),
             *Product.objects.values_list("name", flat=True), *Category.objects.values_list("name", flat=True),
             *(text for pair in ArticlePage.objects.values_list("title", "intro") for text in pair)]
    return frozenset(" ".join(line.split()) for line in lines if line.strip())


def session_cookie(tenant, host: str, email: str | None) -> str:
    """A signed-in session of `email` on `host` (in the tenant's schema, or the public one for the console)."""
    client = Client(HTTP_HOST=host)
    if tenant is None:
        connection.set_schema_to_public()
        client.force_login(get_user_model().objects.get(email=email))
    else:
        with tenant_context(tenant):
            client.force_login(get_user_model().objects.get(email=email))
    connection.set_schema_to_public()
    return client.cookies["sessionid"].value


# --- Which addresses to visit -----------------------------------------------------------------------------

def _route(pattern) -> str:
    return str(pattern).lstrip("^").rstrip("$").replace("\\", "")


def plain_paths() -> list[tuple[str, str]]:
    """(namespace, path) of every argument-free URL of the tenant's URL conf (the portal, the manage area,
    every module), API routes left out (they are not pages)."""
    found = []

    def walk(patterns, prefix, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + _route(p.pattern), p.namespace or namespace)
            elif isinstance(p, URLPattern) and not p.pattern.regex.groups:
                route = prefix + _route(p.pattern)
                if "<" not in route and "(" not in route and "?" not in route and "*" not in route:
                    found.append((namespace or "", "/" + route))

    walk(get_resolver().url_patterns, "", None)
    return [(ns, path) for ns, path in found if not path.startswith(("/api/", "/manage/news/admin/"))
            and not path.endswith((".png", ".js", ".webmanifest", ".ico"))]


def seeds_for(role: str) -> list[str]:
    paths = plain_paths()
    if role == "platform":
        return ["/console/", "/"]
    if role in ("anonymous", "customer"):
        return ["/", *[path for _ns, path in paths if not path.startswith("/manage/")]]
    # staff: the manage area, and the owner also looks at the portal it runs
    manage = [path for _ns, path in paths if path.startswith("/manage/")]
    return ["/manage/", *manage, *(["/"] if role == "owner" else [])]


@dataclass
class Problems:
    found: list[str] = field(default_factory=list)

    known: list[str] = field(default_factory=list)

    def add(self, role, language, url, what):
        line = f"{role} · {language} · {unquote(url)}: {what}"
        path = urlsplit(url).path
        known = any(pattern.search(path) and what.startswith(kind) for pattern, kind in KNOWN_ISSUES)
        (self.known if known else self.found).append(line)


@dataclass
class Visit:
    url: str
    status: int
    html: bool
    links: list[dict]


class Crawler:
    def __init__(self, page, problems: Problems, patterns, own_texts: frozenset[str]):
        self.page, self.problems, self.patterns, self.own_texts = page, problems, patterns, own_texts
        self.console: list[str] = []
        page.on("console", lambda message: self.console.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: self.console.append(f"uncaught: {error}"))

    def without_own_texts(self, text: str) -> str:
        """The text with the business's own data (names, titles it wrote in English) taken out."""
        for own in self.own_texts:
            if own in text:
                text = text.replace(own, "§")
        return text

    def status_of(self, url: str) -> int:
        """The status of a GET with the browser's cookies, outside the browser (Node cannot resolve *.localhost)."""
        parts = urlsplit(url)
        cookies = "; ".join(f"{c['name']}={c['value']}" for c in self.page.context.cookies(url))
        http = HTTPConnection("127.0.0.1", parts.port, timeout=30)
        http.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""),
                     headers={"Host": parts.netloc, "Cookie": cookies})
        status = http.getresponse().status
        http.close()
        return status

    def visit(self, url: str, role: str, language: str, *, must_open: bool) -> Visit:
        self.console.clear()
        foreign = urlsplit(url).path.startswith(FOREIGN)
        try:
            response = self.page.goto(url, wait_until="load")
        except Exception:  # noqa: BLE001 - a download, or an error without a body: Chromium shows no page
            status = self.status_of(url)
            if status >= 500:
                self.problems.add(role, language, url, f"HTTP {status}")
            return Visit(url, status, False, [])
        status = response.status if response else 0
        html = bool(response) and "text/html" in (response.headers.get("content-type") or "")
        if status >= 500:
            self.problems.add(role, language, url, f"HTTP {status}")
        elif must_open and status >= 400:
            self.problems.add(role, language, url, f"HTTP {status} for a page its navigation offers")
        if not html or foreign:
            return Visit(url, status, False, [])
        overflow = self.page.evaluate(OVERFLOW)
        if overflow:
            self.page.screenshot(path=str(ARTIFACTS / f"overflow-{role}-{language}-{len(self.problems.found)}.png"))
            self.problems.add(role, language, url, f"{overflow['width']} px wide at {overflow['viewport']} px: "
                                                   f"{', '.join(overflow['elements'])}")
        errors = [text for text in self.console if not FAILED_LOAD.search(text)]
        if errors:
            self.problems.add(role, language, url, f"console: {errors[:3]}")
        if language in self.patterns:
            left = sorted({text for text in self.page.evaluate(PAGE_TEXTS)
                           if self.patterns[language].fullmatch(self.without_own_texts(text))})
            if left:
                self.problems.add(role, language, url, f"untranslated: {left[:8]}")
        return Visit(url, status, True, self.page.evaluate(LINKS) if status < 400 else [])


def _wanted(href: str, origin: str) -> str | None:
    parts = urlsplit(href)
    if f"{parts.scheme}://{parts.netloc}" != origin or any(word in parts.path for word in NEVER):
        return None
    return f"{origin}{parts.path}"


@pytest.fixture(scope="module")
def crawl_page(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="module")
def patterns():
    return untranslated_patterns()


TIMINGS: dict[str, float] = {}


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_every_role_and_language(role, crawl_tenant, crawl_page, patterns, live_daphne,
                                               django_db_blocker):
    started = time.monotonic()
    platform_origin = f"http://localhost:{live_daphne}"
    tenant_origin = f"http://{SLUG}.localhost:{live_daphne}"
    page, context = crawl_page, crawl_page.context
    context.clear_cookies()
    with django_db_blocker.unblock():
        if role == "platform":
            origin, cookie = platform_origin, session_cookie(None, "localhost", PLATFORM_STAFF[0])
        elif role == "anonymous":
            origin, cookie = tenant_origin, None
        else:
            origin = tenant_origin
            cookie = session_cookie(crawl_tenant, f"{SLUG}.localhost", CUSTOMER if role == "customer" else STAFF[role])
    if cookie:
        context.add_cookies([{"name": "sessionid", "value": cookie, "url": origin}])
    problems = Problems()
    crawler = Crawler(page, problems, patterns, crawl_tenant.own_texts)

    # Discovery, in English: the seeds, every link of the header (the navigation), and one step further.
    seeds = [origin + path for path in seeds_for(role) if not any(word in path for word in NEVER)]
    if role == "anonymous":
        seeds += [platform_origin + path for path in ("/", "/signup/", "/console/login/", "/no-such-page/")]
    context.add_cookies([{"name": "django_language", "value": "en", "url": o} for o in (tenant_origin, platform_origin)])
    order: list[str] = []
    from_nav: set[str] = set()
    queue = list(dict.fromkeys(seeds))
    seen = set(queue)
    depth = {url: 0 for url in queue}
    siblings: dict[str, int] = {}
    while queue and len(order) < MAX_PAGES_PER_ROLE:
        url = queue.pop(0)
        visit = crawler.visit(url, role, "en", must_open=url in from_nav)
        order.append(url)
        if depth[url] >= 2:
            continue
        for link in visit.links:
            target = _wanted(link["href"], urlsplit(url).scheme + "://" + urlsplit(url).netloc)
            if target is None:
                continue
            if link["nav"]:
                from_nav.add(target)
            parent = target.rstrip("/").rsplit("/", 1)[0]
            if not link["nav"] and target not in seen and siblings.get(parent, 0) >= SAME_KIND:
                continue  # enough pages of this kind (/orders/1/, /orders/2/, ...) seen already
            if target not in seen:
                seen.add(target)
                siblings[parent] = siblings.get(parent, 0) + 1
                depth[target] = depth[url] + (0 if link["nav"] else 1)
                (queue.insert(0, target) if link["nav"] else queue.append(target))

    # The same pages in Russian and Ukrainian.
    for language in LANGUAGES[1:]:
        context.add_cookies([{"name": "django_language", "value": language, "url": o}
                             for o in (tenant_origin, platform_origin)])
        for url in order:
            crawler.visit(url, role, language, must_open=url in from_nav)

    TIMINGS[role] = time.monotonic() - started
    report = ARTIFACTS / f"crawl-{role}.txt"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    report.write_text("\n".join([f"{len(order)} pages × {len(LANGUAGES)} languages in {TIMINGS[role]:.0f} s",
                                 *map(unquote, order), "", *problems.found, "", "Known:", *problems.known]) + "\n")
    assert len(order) >= 3, order
    assert not problems.found, f"{len(problems.found)} problems (see {report}):\n" + "\n".join(problems.found)


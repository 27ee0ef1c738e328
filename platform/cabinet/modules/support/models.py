"""Customer requests to the business and the conversation on each."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cabinet import uploads


class Request(models.Model):
    class Status(models.TextChoices):
        NEW = "new", pgettext_lazy("support request", "New")
        IN_PROGRESS = "in_progress", _("In progress")
        WAITING = "waiting", _("Waiting for reply")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    OPEN_STATUSES = (Status.NEW, Status.IN_PROGRESS, Status.WAITING)
    FINISHED_STATUSES = (Status.RESOLVED, Status.CLOSED)

    # Requests are the business's records: a customer who deletes the account is anonymised, not removed.
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="support_requests")
    topic = models.CharField(_("topic"), max_length=100)
    subject = models.CharField(_("subject"), max_length=200)
    message = models.TextField(_("message"), max_length=5000)
    contact_name = models.CharField(_("your name"), max_length=150, blank=True)
    contact_phone = models.CharField(_("phone"), max_length=32, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # The stage of the work the request stands for (support.stages), when its topic has stages.
    stage = models.ForeignKey("support.Stage", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # The staff member (owner, manager, operator) who looks after it; None: nobody yet.
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="assigned_support_requests")

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["customer", "status"], name="support_request_customer")]

    def __str__(self):
        return f"#{self.pk} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def topic_label(self) -> str:
        """The topic as the reader sees it: a default topic in their language, the business's own as typed."""
        from .topics import label

        return label(self.topic)


class RequestMessage(models.Model):
    """One message of a request's thread, by the customer or by staff."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    from_staff = models.BooleanField(default=False)
    body = models.TextField(_("message"), max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"message {self.pk} on request {self.request_id}"


class StatusChange(models.Model):
    """Who moved a request to which status, and when."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Request.Status.choices)
    to_status = models.CharField(max_length=20, choices=Request.Status.choices)
    # None: the system (auto-close after resolution)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"


class Stage(models.Model):
    """One step of the work behind requests of a topic ("received → measured → in production → installed"),
    defined by the business. A stage some request has passed is archived when the business removes it, so the
    history keeps its name; an unused one is deleted."""

    topic = models.CharField(_("topic"), max_length=100)
    name = models.CharField(_("stage"), max_length=100)
    position = models.PositiveSmallIntegerField(default=0)
    archived = models.BooleanField(default=False)

    class Meta:
        ordering = ["topic", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["topic", "name"], name="support_stage_unique_name")]

    def __str__(self):
        return f"{self.topic}: {self.name}"

    @property
    def label(self) -> str:
        """The stage as the reader sees it: a default stage in their language, the business's own as typed."""
        from .stages import label

        return label(self.name)


class StageMove(models.Model):
    """Who moved a request to which stage, and when. `number` counts the moves of one request (1, 2, …): two
    moves made at once cannot both be the next one (the unique constraint; the service locks the request)."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="stage_moves")
    number = models.PositiveIntegerField()
    from_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, null=True, related_name="+")
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    # None: the system (the first stage, given when the request is opened)
    moved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    moved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["request", "number"], name="support_stage_move_number")]

    def __str__(self):
        return f"{self.from_stage_id} → {self.to_stage_id}"


class AssigneeChange(models.Model):
    """Who gave a request to whom (None: took it from everybody), and when."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="assignee_changes")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self):
        return f"request {self.request_id} → {self.assignee_id}"


def attachment_path(instance, filename: str) -> str:
    return uploads.stored_path("support", filename)


class Attachment(models.Model):
    """A file added to a request (message None: with the request itself) or to one of its messages."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(RequestMessage, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.original_name

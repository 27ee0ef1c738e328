"""`/api/v1/support/`: the signed-in customer's own requests; list, read, open a new one. The stage, its
progress, the assignee and the files are read-only here (staff change them in the manage area)."""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from cabinet.accounts.selectors import contact_prefill
from cabinet.portal.selectors import portal_state

from . import selectors, services
from . import topics as topic_labels
from .models import Request


class IsCustomer(permissions.BasePermission):
    message = _("This API is for the portal's customers.")

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_active and not user.is_business_staff)


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.SerializerMethodField(help_text=_("Download (signed-in customer of the request only)."))

    def get_url(self, attachment) -> str:
        return reverse("support:attachment", args=[attachment.pk])


class MessageSerializer(serializers.Serializer):
    from_staff = serializers.BooleanField()
    body = serializers.CharField()
    created_at = serializers.DateTimeField()
    attachments = AttachmentSerializer(many=True, read_only=True)


class StepSerializer(serializers.Serializer):
    stage = serializers.CharField(source="stage.label", help_text=_("The stage in the language of this answer."))
    state = serializers.ChoiceField(choices=["done", "current", "next"])
    reached_at = serializers.DateTimeField(allow_null=True)


class RequestSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    topic_label = serializers.CharField(read_only=True, help_text=_("The topic in the language of this answer (Accept-Language)."))
    stage = serializers.SerializerMethodField(help_text=_("The current stage (language of this answer), or null."))
    assignee_name = serializers.SerializerMethodField(help_text=_("Who looks after the request, or null."))

    def get_stage(self, obj) -> str | None:
        return obj.stage.label if obj.stage_id else None

    def get_assignee_name(self, obj) -> str | None:
        return obj.assignee.display_name if obj.assignee_id else None

    class Meta:
        model = Request
        fields = ["id", "topic", "topic_label", "subject", "message", "contact_name", "contact_phone",
                  "contact_email", "status", "status_label", "stage", "assignee_name", "created_at", "updated_at"]
        read_only_fields = ["id", "status", "status_label", "topic_label", "stage", "assignee_name", "created_at",
                            "updated_at"]
        # The service checks everything (the same rules as the portal form) and answers field by field.
        extra_kwargs = {name: {"required": False, "allow_blank": True, "validators": []}
                        for name in ("topic", "subject", "message", "contact_name", "contact_phone", "contact_email")}


class RequestDetailSerializer(RequestSerializer):
    messages = MessageSerializer(many=True, read_only=True)
    files = serializers.SerializerMethodField(help_text=_("Files sent with the request itself."))
    progress = serializers.SerializerMethodField(help_text=_("Every stage of the topic, or an empty list."))

    class Meta(RequestSerializer.Meta):
        fields = [*RequestSerializer.Meta.fields, "files", "progress", "messages"]

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_files(self, obj):
        return AttachmentSerializer([a for a in obj.attachments.all() if a.message_id is None], many=True).data

    @extend_schema_field(StepSerializer(many=True))
    def get_progress(self, obj):
        found = selectors.progress(obj)
        return StepSerializer(found.steps, many=True).data if found else []


class RequestPagination(PageNumberPagination):
    page_size = 50


@extend_schema_view(create=extend_schema(request=RequestSerializer, responses={201: RequestSerializer}))
class RequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     viewsets.GenericViewSet):
    permission_classes = [IsCustomer]
    pagination_class = RequestPagination
    lookup_value_regex = "[0-9]+"  # ids are integers (typed in the schema; other paths 404)

    def get_queryset(self):
        requests = selectors.customer_requests(self.request.user).select_related("stage", "assignee")
        return (requests.prefetch_related("messages__attachments", "attachments") if self.action == "retrieve"
                else requests)

    def get_serializer_class(self):
        return RequestDetailSerializer if self.action == "retrieve" else RequestSerializer

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        prefill = contact_prefill(request.user)
        topics = selectors.topic_list(portal_state().setting("support", "topics"))
        try:
            created = services.create_request(
                # a client may send a default topic as any of the platform's languages shows it
                customer=request.user, topics=topics, topic=topic_labels.source_of(data.get("topic", "")),
                subject=data.get("subject", ""), message=data.get("message", ""),
                contact_name=data.get("contact_name") or prefill["full_name"],
                contact_phone=data["contact_phone"] if "contact_phone" in data else prefill["phone"],
                contact_email=data["contact_email"] if "contact_email" in data else prefill["email"])
        except ValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        return Response(RequestSerializer(created).data, status=status.HTTP_201_CREATED)

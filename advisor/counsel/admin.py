from django.contrib import admin

from advisor.counsel.models import AuditEvent, Note, Review


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The trail is evidence: it can be read and searched, never changed."""

    list_display = ["created_at", "actor", "action", "submission", "detail"]
    list_filter = ["action"]
    search_fields = ["actor__email", "submission__id", "detail"]
    list_select_related = ["actor"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["submission", "status", "archetype", "priority", "assignee", "created_at"]
    list_filter = ["status", "archetype", "high_strain"]
    search_fields = ["submission__owner__email"]
    list_select_related = ["assignee", "submission__owner"]
    raw_id_fields = ["submission", "assignee"]


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ["submission", "author", "shared", "created_at"]
    list_filter = ["shared"]
    raw_id_fields = ["submission", "author"]

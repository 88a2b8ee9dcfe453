from django.contrib import admin

from advisor.plans.models import Plan


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["submission", "version", "status", "pdf_status", "archetype", "created_at"]
    list_filter = ["status", "archetype"]
    raw_id_fields = ["submission"]
    exclude = ["content"]

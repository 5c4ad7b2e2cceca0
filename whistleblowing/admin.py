"""Site admins set each handler's role and designations; content is never shown here."""

from django.contrib import admin

from whistleblowing.models import Handler


@admin.register(Handler)
class HandlerAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "gender", "hr_competence", "sexual_harassment_recipient",
                    "is_active", "key_created_at")  # fmt: skip
    list_filter = ("role", "sexual_harassment_recipient", "is_active")
    fields = ("user", "role", "gender", "hr_competence", "sexual_harassment_recipient",
              "is_active", "public_phone", "public_email")  # fmt: skip
    raw_id_fields = ("user",)

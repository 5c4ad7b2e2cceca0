"""Site admins may look at handlers here; the secretariat's own page for people and routes
is ``whistleblowing.views.people``. Content is never shown here."""

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _

from whistleblowing import services
from whistleblowing.models import Handler


class HandlerAdminForm(forms.ModelForm):
    class Meta:
        model = Handler
        fields = ("user", "role", "gender", "hr_competence", "sexual_harassment_recipient",
                  "is_active", "body_level", "body_name")  # fmt: skip

    def clean(self) -> dict[str, Any]:
        """A report already filed is never left without a reader (issue 12): the last
        active reader of an open case cannot be deactivated until someone else holds a key."""
        data = super().clean() or {}
        handler = self.instance
        if handler.pk and handler.is_active and data.get("is_active") is False:
            count = services.cases_only_read_by(handler)
            if count:
                raise forms.ValidationError(
                    _(
                        "Mottakeren kan ikke deaktiveres ennå: %(count)d åpne saker har ingen "
                        "andre lesere med nøkkel. Be mottakeren gi tilgang til en annen "
                        "mottaker i hver sak først."
                    ),
                    params={"count": count},
                )
        return data


@admin.register(Handler)
class HandlerAdmin(admin.ModelAdmin):
    form = HandlerAdminForm
    list_display = ("user", "role", "gender", "hr_competence", "sexual_harassment_recipient",
                    "is_active", "key_created_at")  # fmt: skip
    list_filter = ("role", "sexual_harassment_recipient", "is_active")
    fields = HandlerAdminForm.Meta.fields
    raw_id_fields = ("user",)

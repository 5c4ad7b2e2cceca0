"""The one form base every app's forms use.

``AccessibleForm`` is how a form of this portal behaves with the shared
``includes/form.html``:

- labels without Django's trailing colon (the layout sets the label above the field);
- a field with errors is ``aria-invalid`` and is described by its help text and its error
  (``<auto_id>_helptext``, ``<auto_id>_error``, the ids the template gives them; Django's
  ``BoundField.build_widget_attrs`` adds them, or the template on a fieldset);
- a refusal that names a field the form does not have lands on top of the form, not in a
  ``ValueError``: a service may name its own field (``add_service_errors`` in
  ``config.web`` relies on it too).

Nothing here imports an app: whistleblowing's forms use it and depend on config/ only.
"""

from __future__ import annotations

from typing import Any

from django import forms

#: What a ``<input type="datetime-local">`` reads and shows.
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class _Accessible(forms.BaseForm):
    """What every portal form shares: labels without a colon, and an error for a field the
    form does not show lands at the top instead of being lost."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def add_error(self, field: str | None, error: Any) -> None:
        if field is not None and field not in self.fields:
            field = None
        super().add_error(field, error)


class AccessibleForm(_Accessible, forms.Form):
    """The base of every form in the portal (see the module's docstring)."""


class AccessibleModelForm(_Accessible, forms.ModelForm):
    """``AccessibleForm`` for the few forms that edit one row as it is."""

"""API keys in the admin: superusers issue them (the secret is shown once, on the
page that follows) and revoke them."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import KEY_PREFIX, SCOPES, ApiKey
from .services import api_key_issue, api_key_revoke


class ApiKeyForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"), choices=SCOPES, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiKey
        fields = ["name", "user", "scopes", "agency", "expires_at"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    form = ApiKeyForm
    list_display = [
        "name",
        "key_prefix",
        "user",
        "agency",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at", "agency"]
    search_fields = ["name", "prefix", "user__username"]
    autocomplete_fields = ["user"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        base = ["key_prefix", "last_used_at", "revoked_at", "created_at", "created_by"]
        return [*base, "user"] if obj else base

    @admin.display(description=_("key starts with"))
    def key_prefix(self, obj: ApiKey) -> str:
        return f"{KEY_PREFIX}_{obj.prefix}_…" if obj.prefix else ""

    # Keys act as other accounts: only superusers hand them out or see them.
    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def save_model(self, request, obj: ApiKey, form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        key, secret = api_key_issue(
            name=data["name"],
            user=data["user"],
            scopes=data["scopes"],
            agency=data.get("agency"),
            expires_at=data.get("expires_at"),
            created_by=request.user,
        )
        obj.pk = key.pk
        self._issued_secret = secret

    def response_add(self, request, obj, post_url_continue=None):
        # Shown on this page and nowhere else: not in a message (a cookie) or a log.
        secret = getattr(self, "_issued_secret", None)
        if secret is None:
            return super().response_add(request, obj, post_url_continue)
        del self._issued_secret
        return TemplateResponse(
            request,
            "api/apikey_issued.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "key": ApiKey.objects.get(pk=obj.pk),
                "secret": secret,
                "title": _("API key issued"),
            },
        )

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset) -> None:
        for key in queryset:
            api_key_revoke(key=key)
        count = queryset.count()
        self.message_user(
            request,
            ngettext("%(count)d key revoked.", "%(count)d keys revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )

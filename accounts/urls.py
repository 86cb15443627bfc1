"""URLs of accounts: sign-up and verification, login, logout, passwords, profile."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views, views_security

app_name = "accounts"
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("landing/", views.landing, name="landing"),
    path("profile/", views.profile, name="profile"),
    path("signup/", views.signup, name="signup"),
    path("signup/sent/", views.signup_sent, name="signup_sent"),
    path("verify/", views.resend_verification, name="resend_verification"),
    path("verify/<str:token>/", views.verify_email, name="verify"),
    path("profile/email/", views.email_change, name="email_change"),
    path(
        "profile/email/<str:token>/",
        views.email_change_confirm,
        name="email_change_confirm",
    ),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="registration/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="registration/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(
            template_name="registration/password_change_form.html",
            success_url=reverse_lazy("accounts:password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="registration/password_change_done.html"
        ),
        name="password_change_done",
    ),
]

# The second factor and the login lockouts (views_security.py).
urlpatterns += [
    path("two-step/", views_security.mfa_verify, name="mfa_verify"),
    path("two-step/set-up/", views_security.mfa_enrol, name="mfa_enrol"),
    path(
        "two-step/recovery-codes/",
        views_security.mfa_recovery_codes,
        name="mfa_recovery_codes",
    ),
    path(
        "two-step/recovery-codes/new/",
        views_security.mfa_recovery_codes_new,
        name="mfa_recovery_codes_new",
    ),
    path("two-step/turn-off/", views_security.mfa_disable, name="mfa_disable"),
    path("lockouts/", views_security.lockouts, name="lockouts"),
]

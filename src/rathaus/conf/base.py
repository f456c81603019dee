"""Settings. Every value comes from the environment (see `.env.example`) with a safe default."""

from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from rathaus.conf.env import env_bool, env_int, env_list, env_networks, env_str, load_dotenv

BASE_DIR = Path(__file__).resolve().parents[3]
load_dotenv(BASE_DIR / ".env")

VAR_DIR = Path(env_str("RATHAUS_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("RATHAUS_DEBUG", False)
# The default key is only usable with DEBUG on; production must set RATHAUS_SECRET_KEY.
SECRET_KEY = env_str("RATHAUS_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("RATHAUS_SECRET_KEY must be set when RATHAUS_DEBUG is off")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105
ALLOWED_HOSTS = env_list("RATHAUS_ALLOWED_HOSTS", ["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env_list("RATHAUS_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # allauth's MFA templates use it
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "rathaus.core",
    # Before allauth, so that its templates (KERN design) override allauth's.
    "rathaus.accounts",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "rathaus.municipalities",
    "rathaus.catalog",
    "rathaus.organisations",
    "rathaus.apitokens",
    "rathaus.portal",
    "rathaus.api",
    "rathaus.demo",
    "rathaus.staff",
    "rathaus.backoffice",
    "rathaus.federation",
    "rathaus.payments",
    "rathaus.seals",
    "rathaus.evidence",
    "rathaus.cases",
    "rathaus.applications",
    "rathaus.mailbox",
    "rathaus.webhooks",
    "rathaus.records",
    "rathaus.decisions",
    "rathaus.workflow",
    "rathaus.contrib.oidc",
    "rathaus.contrib.saml",
    "rathaus.contrib.clamav",
    "rathaus.contrib.payment_sandbox",
    "rathaus.contrib.fitconnect",
    "rathaus.contrib.fim",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "rathaus.core.middleware.SecurityHeadersMiddleware",
    # Personal pages and downloads: Cache-Control: private, no-store.
    "rathaus.core.middleware.PersonalPagesNoStoreMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # NUL and other characters no text column can hold: 400 before a view sees them.
    "rathaus.core.middleware.InvalidCharactersMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The requesting clerk's role assignments, read once per request (staff/role_memo.py).
    "rathaus.staff.role_memo.RoleMemoMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "rathaus.accounts.middleware.SessionTimeoutMiddleware",
    # /intern/ (staff area and admin): staff only, with a second factor in this session.
    "rathaus.staff.middleware.StaffAreaMiddleware",
    # Domain errors a view leaves uncaught: their error page (404/403/409/400) with the message.
    "rathaus.core.error_responses.DomainErrorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "rathaus.core.middleware.RequestContextMiddleware",
    # Last, so that lockouts are decided after the audit context is set.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "rathaus.urls"
WSGI_APPLICATION = "rathaus.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Embedded default: a SQLite file under var/. DATABASE_URL=postgres://… switches to PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'rathaus.sqlite3'}"),
        conn_max_age=env_int("RATHAUS_DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# `migrate` and `db_roles` log in as the table owner; the application's role owns nothing and
# may only append to the audit trail (docs/operations.md "Database roles"). Same database as
# DATABASE_URL, only user and password are used. Empty: DATABASE_URL's role does both.
RATHAUS_MIGRATION_DATABASE_URL = env_str("RATHAUS_MIGRATION_DATABASE_URL", "")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "rathaus.accounts.password_validation.GuessablePatternValidator"},
]

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "src" / "rathaus" / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("RATHAUS_STATIC_ROOT", str(VAR_DIR / "static")))
# Front-end assets built by `make assets` from node_modules (KERN UX, htmx, axe-core).
STATICFILES_DIRS = [BASE_DIR / "build" / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(env_str("RATHAUS_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env_str(
            "RATHAUS_STATICFILES_STORAGE",
            "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# --- Security defaults: on unless explicitly relaxed for local development. ---
SECURE_SSL_REDIRECT = env_bool("RATHAUS_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("RATHAUS_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env_bool("RATHAUS_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy: no inline script or style anywhere (see core/middleware.py).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# --- Search: "auto" picks FTS5 on SQLite and full-text search on PostgreSQL. ---
RATHAUS_SEARCH_BACKEND = env_str("RATHAUS_SEARCH_BACKEND", "auto")

# --- REST API ---
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rathaus.api.pagination.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # Bearer tokens of specialist systems: accepted everywhere, required only where a view
    # checks a scope (rathaus.api.authentication.HasScope).
    "DEFAULT_AUTHENTICATION_CLASSES": ["rathaus.api.authentication.ApiTokenAuthentication"],
    "UNAUTHENTICATED_USER": None,
    "EXCEPTION_HANDLER": "rathaus.api.problems.problem_exception_handler",
    # JSON bodies with bounded nesting and only storable text (core/json_input.py).
    "DEFAULT_PARSER_CLASSES": [
        "rathaus.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": env_str("RATHAUS_API_ANON_RATE", "600/minute")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "rathaus API",
    "DESCRIPTION": "Public read API of the rathaus e-government platform.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # 3.1: nullable references to components are valid JSON Schema (3.0's idiom is not).
    "OAS_VERSION": "3.1.0",
    # Swagger UI served from our own static files (no CDN; CSP without inline script).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- API tokens of specialist systems (Fachverfahren) ---
RATHAUS_API_TOKEN_LIFETIME_DAYS = env_int("RATHAUS_API_TOKEN_LIFETIME_DAYS", 365)
RATHAUS_API_TOKEN_ROTATION_GRACE_HOURS = env_int("RATHAUS_API_TOKEN_ROTATION_GRACE_HOURS", 24)

# --- Organisations: invitations by e-mail ---
RATHAUS_ORGANISATION_INVITATION_DAYS = env_int("RATHAUS_ORGANISATION_INVITATION_DAYS", 7)

# Shared by all processes: rate limits (second factor, sign-up …) and used TOTP codes live here,
# so a per-process cache would multiply every limit by the number of workers. The one-box
# default is a database table (created by `migrate`); production may use Redis.
CACHE_URL = env_str("RATHAUS_CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "rathaus_cache",
        }
    )
}

# Reverse proxies (load balancer, TLS terminator) whose X-Forwarded-For is believed: addresses or
# CIDR networks. Empty (default): the direct peer is the client (rathaus/core/client_address.py).
RATHAUS_TRUSTED_PROXIES = env_list("RATHAUS_TRUSTED_PROXIES", [])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("RATHAUS_LOG_LEVEL", "INFO")},
    # SpiffWorkflow logs every task's change of state at INFO: the process history is kept
    # by rathaus.workflow (elements, work items, audit), not by the log.
    "loggers": {"spiff": {"level": "WARNING"}},
}

# --- E-mail (accessibility feedback, later notifications). Console output in the demo. ---
EMAIL_BACKEND = env_str("RATHAUS_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("RATHAUS_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("RATHAUS_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("RATHAUS_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("RATHAUS_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("RATHAUS_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("RATHAUS_DEFAULT_FROM_EMAIL", "rathaus <noreply@localhost>")

# --- Accounts (Bürgerkonto): allauth with MFA, axes lockout, Argon2, session timeouts. ---
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    # axes first: it refuses locked-out accounts and addresses before any password check.
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:overview"
ACCOUNT_ADAPTER = "rathaus.accounts.adapter.AccountAdapter"
# Mails and messages name the person (or the e-mail address), never the internal user name.
ACCOUNT_USER_DISPLAY = "rathaus.accounts.adapter.user_display"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[rathaus] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
# Wrong passwords are counted and locked out by django-axes (below; the adapter skips allauth's
# count for them). allauth's "login_failed" limit is the one for second-factor codes (TOTP,
# recovery codes): per account ("key") and per client address, in the shared cache.
RATHAUS_MFA_FAILURE_LIMIT = env_int("RATHAUS_MFA_FAILURE_LIMIT", 5)
RATHAUS_MFA_FAILURE_LIMIT_PER_ADDRESS = env_int("RATHAUS_MFA_FAILURE_LIMIT_PER_ADDRESS", 20)
_mfa_window = f"{env_int('RATHAUS_LOGIN_COOLOFF_MINUTES', 15)}m"
ACCOUNT_RATE_LIMITS = {
    "login_failed": f"{RATHAUS_MFA_FAILURE_LIMIT_PER_ADDRESS}/{_mfa_window}/ip,"
    f"{RATHAUS_MFA_FAILURE_LIMIT}/{_mfa_window}/key"
}
MFA_ADAPTER = "rathaus.accounts.mfa_adapter.MFAAdapter"
# Keys (Fernet, comma-separated, the first encrypts) for the TOTP and recovery-code secrets in
# the database. Empty: one key kept in a file outside the database, created on first use.
RATHAUS_MFA_ENCRYPTION_KEYS = env_list("RATHAUS_MFA_ENCRYPTION_KEY", [])
RATHAUS_MFA_ENCRYPTION_KEY_FILE = env_str(
    "RATHAUS_MFA_ENCRYPTION_KEY_FILE", str(VAR_DIR / "mfa-encryption.key")
)
# Keys (Fernet, comma-separated, the first encrypts) for the secrets of the per-municipality
# configuration (seal keys, payment secrets, key-encryption keys) in the database. Empty: one
# key kept in a file outside the database, created on first use (rathaus.core.secret_box).
RATHAUS_CONFIG_ENCRYPTION_KEYS = env_list("RATHAUS_CONFIG_ENCRYPTION_KEY", [])
RATHAUS_CONFIG_ENCRYPTION_KEY_FILE = env_str(
    "RATHAUS_CONFIG_ENCRYPTION_KEY_FILE", str(VAR_DIR / "config-encryption.key")
)
# Where a municipality's key-encryption key for personal data comes from when neither it nor
# its IT service provider has one yet ("local": a random key per municipality, stored
# encrypted with RATHAUS_CONFIG_ENCRYPTION_KEY).
RATHAUS_KEK_PROVIDER = env_str("RATHAUS_KEK_PROVIDER", "local")
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "rathaus"
# Accept the code of the neighbouring 30-second window too (RFC 6238 §5.2: clock drift and
# the time it takes to type); allauth still refuses a code that was already used.
MFA_TOTP_TOLERANCE = 1
MFA_FORMS = {
    "authenticate": "rathaus.accounts.mfa_forms.AuthenticateForm",
    "reauthenticate": "rathaus.accounts.mfa_forms.ReauthenticateForm",
    "add_webauthn": "rathaus.accounts.webauthn_forms.AddWebAuthnForm",
    "signup_webauthn": "rathaus.accounts.webauthn_forms.SignupWebAuthnForm",
    "login_webauthn": "rathaus.accounts.webauthn_forms.LoginWebAuthnForm",
    "reauthenticate_webauthn": "rathaus.accounts.webauthn_forms.ReauthenticateWebAuthnForm",
}
# Passkeys need https; plain http is accepted only for local development.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
# Lockout per account and per client address (either one trips it).
AXES_FAILURE_LIMIT = env_int("RATHAUS_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("RATHAUS_LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "rathaus.accounts.lockout.attempted_login"
AXES_LOCKOUT_CALLABLE = "rathaus.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "rathaus.core.client_address.client_ip"
AXES_VERBOSE = False
# Session timeouts (seconds): after inactivity and since login, whatever the activity.
RATHAUS_SESSION_IDLE_TIMEOUT = env_int("RATHAUS_SESSION_IDLE_TIMEOUT", 30 * 60)
RATHAUS_SESSION_ABSOLUTE_TIMEOUT = env_int("RATHAUS_SESSION_ABSOLUTE_TIMEOUT", 12 * 60 * 60)
SESSION_COOKIE_AGE = RATHAUS_SESSION_ABSOLUTE_TIMEOUT
# Inactive citizen accounts: warned `…_WARNING_DAYS` before and deleted after `…_DAYS`.
RATHAUS_ACCOUNT_INACTIVITY_DAYS = env_int("RATHAUS_ACCOUNT_INACTIVITY_DAYS", 730)
RATHAUS_ACCOUNT_INACTIVITY_WARNING_DAYS = env_int("RATHAUS_ACCOUNT_INACTIVITY_WARNING_DAYS", 28)

# --- Staff area (/intern/, including the admin): staff with a second factor only
# (staff/middleware.py). ---

# --- Staff directory (LDAP / Active Directory): off while RATHAUS_LDAP_SERVER_URI is empty. ---
# Sets the AUTH_LDAP_* settings of django-auth-ldap and RATHAUS_LDAP_GROUP_ROLES (group DN →
# office roles); see rathaus/staff/ldap_config.py and docs/security.md.
from rathaus.staff.ldap_config import DIRECTORY_BACKEND, directory_settings  # noqa: E402

_directory_settings = directory_settings()
globals().update(_directory_settings)
if _directory_settings:
    AUTHENTICATION_BACKENDS.append(DIRECTORY_BACKEND)

# --- Federated identity (BundID & co.): OIDC and SAML identity providers, levels of assurance.
# A JSON list, one object per provider; see .env.example and rathaus/federation/providers.py.
RATHAUS_IDENTITY_PROVIDERS = env_str("RATHAUS_IDENTITY_PROVIDERS", "[]")

# --- Online applications (drafts, uploads, receipts) ---
# Unsubmitted drafts are deleted after this many days; a reminder goes out before.
RATHAUS_DRAFT_EXPIRY_DAYS = env_int("RATHAUS_DRAFT_EXPIRY_DAYS", 30)
RATHAUS_DRAFT_REMINDER_DAYS = env_int("RATHAUS_DRAFT_REMINDER_DAYS", 7)
# Upload limits in bytes: per file and for all files of one application.
RATHAUS_UPLOAD_MAX_FILE_BYTES = env_int("RATHAUS_UPLOAD_MAX_FILE_BYTES", 10 * 1024 * 1024)
RATHAUS_UPLOAD_MAX_TOTAL_BYTES = env_int("RATHAUS_UPLOAD_MAX_TOTAL_BYTES", 50 * 1024 * 1024)
# DOCX/ODT are ZIP containers: limits once unpacked (all members, one member) and the largest
# compression ratio of a member (a ZIP bomb is refused before it is unpacked further).
RATHAUS_UPLOAD_MAX_UNPACKED_BYTES = env_int("RATHAUS_UPLOAD_MAX_UNPACKED_BYTES", 100 * 1024 * 1024)
RATHAUS_UPLOAD_MAX_UNPACKED_MEMBER_BYTES = env_int(
    "RATHAUS_UPLOAD_MAX_UNPACKED_MEMBER_BYTES", 50 * 1024 * 1024
)
RATHAUS_UPLOAD_MAX_COMPRESSION_RATIO = env_int("RATHAUS_UPLOAD_MAX_COMPRESSION_RATIO", 100)
# Allowed upload types, decided by content: pdf, jpeg, png, tiff, odt, docx.
RATHAUS_UPLOAD_ALLOWED_TYPES = env_list(
    "RATHAUS_UPLOAD_ALLOWED_TYPES", ["pdf", "jpeg", "png", "tiff", "odt", "docx"]
)
# The ClamAV daemon: unix:///path/to/clamd.ctl or tcp://host:3310.
RATHAUS_CLAMAV_URL = env_str("RATHAUS_CLAMAV_URL", "unix:///var/run/clamav/clamd.ctl")
RATHAUS_CLAMAV_TIMEOUT_SECONDS = env_int("RATHAUS_CLAMAV_TIMEOUT_SECONDS", 30)
# Public address of the portal, for links in e-mails (no trailing slash). Empty: https:// and
# the first RATHAUS_ALLOWED_HOSTS entry.
RATHAUS_PUBLIC_URL = env_str("RATHAUS_PUBLIC_URL", "").rstrip("/") or (
    f"https://{ALLOWED_HOSTS[0].lstrip('.')}" if ALLOWED_HOSTS else "http://localhost:8000"
)

# --- Webhooks of specialist systems (rathaus.webhooks, docs/api.md): HTTPS only (plain HTTP
# with DEBUG, for a receiver on the developer's machine), redirects never followed, each
# attempt bounded by this timeout; retries are the outbox's (RATHAUS_OUTBOX_MAX_ATTEMPTS).
RATHAUS_WEBHOOK_ALLOW_HTTP = DEBUG
# Webhooks go to public addresses only (no way into the installation's network: SSRF), except
# into the networks listed here (CIDR, e.g. the specialist systems' 10.20.0.0/16 in the
# municipal data centre). Any address at all: development and tests only.
RATHAUS_WEBHOOK_ALLOWED_NETWORKS = env_networks("RATHAUS_WEBHOOK_ALLOWED_NETWORKS")
RATHAUS_WEBHOOK_ALLOW_PRIVATE = DEBUG
RATHAUS_WEBHOOK_TIMEOUT_SECONDS = 10

# --- Records (E-Akte): the file reference pattern of municipalities without their own
# (rathaus.records.file_references; checked when a file is created).
RATHAUS_FILE_REFERENCE_PATTERN = env_str(
    "RATHAUS_FILE_REFERENCE_PATTERN", "{office}-{plan}/{year}/{seq}"
)

# Replacement scanning (§7 EGovG, records.scanning): the share of scans of normal protection
# need a second person checks (every scan of need "high" is checked), and the days after a
# scan is final from which its paper original may be destroyed.
RATHAUS_SCAN_CHECK_PERCENT = env_int("RATHAUS_SCAN_CHECK_PERCENT", 10)
RATHAUS_SCAN_ORIGINAL_KEEP_DAYS = env_int("RATHAUS_SCAN_ORIGINAL_KEEP_DAYS", 90)

# The official xdomea schemas (XRepository: one folder per version, 2.3.0 … 3.1.0, and xoev/),
# which every xdomea message built or imported is validated against (rathaus.records.xdomea,
# docs/xdomea.md). Empty: $RATHAUS_STANDARDS_DIR/xdomea, else ../shared/standards/xdomea.
RATHAUS_XDOMEA_SCHEMA_DIR = env_str("RATHAUS_XDOMEA_SCHEMA_DIR", "")

# The OMG's BPMN 2.0 XML Schema folder (BPMN20.xsd, Semantic.xsd, BPMNDI.xsd, DC.xsd, DI.xsd)
# every uploaded process model is validated against (rathaus.workflow.bpmn.schema). Empty:
# the copy SpiffWorkflow ships.
RATHAUS_BPMN_SCHEMA_DIR = env_str("RATHAUS_BPMN_SCHEMA_DIR", "")
# The OMG's DMN 1.3 XSD folder (DMN13.xsd, DMNDI13.xsd, DMNDI12.xsd, DC.xsd) that uploaded
# DMN 1.3 files are validated against (rathaus.workflow.dmn). Empty:
# $RATHAUS_STANDARDS_DIR/bpmn/dmn13, else ../shared/standards/bpmn/dmn13; where it is missing,
# DMN files are only parsed.
RATHAUS_DMN_SCHEMA_DIR = env_str("RATHAUS_DMN_SCHEMA_DIR", "")

# Where document contents are stored (rathaus.records.content, STORAGES["records"]): "local"
# (MEDIA_ROOT/records/…) or "s3" (S3-compatible object storage through django-storages,
# private objects, no public URLs: documents are served only through the permission check).
RATHAUS_RECORDS_STORAGE = env_str("RATHAUS_RECORDS_STORAGE", "local")
if RATHAUS_RECORDS_STORAGE == "s3":
    _sse = env_str("RATHAUS_RECORDS_S3_SERVER_SIDE_ENCRYPTION", "AES256")  # or aws:kms, or ""
    _object_parameters = {"ServerSideEncryption": _sse} if _sse else {}
    if _sse == "aws:kms" and env_str("RATHAUS_RECORDS_S3_KMS_KEY_ID", ""):
        _object_parameters["SSEKMSKeyId"] = env_str("RATHAUS_RECORDS_S3_KMS_KEY_ID", "")
    STORAGES["records"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("RATHAUS_RECORDS_S3_BUCKET", ""),
            "location": env_str("RATHAUS_RECORDS_S3_PREFIX", ""),
            "endpoint_url": env_str("RATHAUS_RECORDS_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("RATHAUS_RECORDS_S3_REGION", "") or None,
            "access_key": env_str("RATHAUS_RECORDS_S3_ACCESS_KEY_ID", "") or None,
            "secret_key": env_str("RATHAUS_RECORDS_S3_SECRET_ACCESS_KEY", "") or None,
            "object_parameters": _object_parameters,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": True,  # a name is its content's SHA-256: the same bytes
        },
    }
elif RATHAUS_RECORDS_STORAGE == "local":
    STORAGES["records"] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise ImproperlyConfigured("RATHAUS_RECORDS_STORAGE must be local or s3.")

# --- Electronic seal of receipts and decisions (PAdES). Empty: `make run` creates a demo CA
# and seal certificate under var/seal/ (rathaus.seals.demo_ca); production sets real files.
RATHAUS_SEAL_KEY_FILE = env_str("RATHAUS_SEAL_KEY_FILE", "")
RATHAUS_SEAL_CERT_FILE = env_str("RATHAUS_SEAL_CERT_FILE", "")
RATHAUS_SEAL_CHAIN_FILES = env_list("RATHAUS_SEAL_CHAIN_FILES", [])
RATHAUS_SEAL_KEY_PASSPHRASE = env_str("RATHAUS_SEAL_KEY_PASSPHRASE", "")

# --- Receipts provable offline (rathaus.evidence, docs/evidence.md): sealed with the seal
# above and time-stamped (RFC 3161). RATHAUS_TSA_URLS: external TSAs (comma-separated, tried
# in order as fallbacks; their root certificates in RATHAUS_TSA_TRUST_ROOT_FILES). Without
# URLs a local TSA signs: RATHAUS_TSA_CERT_FILE / _KEY_FILE (certificate with the critical
# EKU timeStamping, issued under a trust anchor), else the demo CA's TSA (demo only).
RATHAUS_TSA_URLS = env_list("RATHAUS_TSA_URLS", [])
RATHAUS_TSA_TIMEOUT_SECONDS = env_int("RATHAUS_TSA_TIMEOUT_SECONDS", 10)
RATHAUS_TSA_TRUST_ROOT_FILES = env_list("RATHAUS_TSA_TRUST_ROOT_FILES", [])
RATHAUS_TSA_CERT_FILE = env_str("RATHAUS_TSA_CERT_FILE", "")
RATHAUS_TSA_KEY_FILE = env_str("RATHAUS_TSA_KEY_FILE", "")
RATHAUS_TSA_CHAIN_FILES = env_list("RATHAUS_TSA_CHAIN_FILES", [])
RATHAUS_TSA_KEY_PASSPHRASE = env_str("RATHAUS_TSA_KEY_PASSPHRASE", "")
# The local TSA's policy OID in its tokens; empty: rathaus' own (rathaus.evidence.timestamps).
RATHAUS_TSA_POLICY_OID = env_str("RATHAUS_TSA_POLICY_OID", "")

# --- Payments (§4 EGovG): enabled provider plugins, and the sandbox provider's shared secret
# for signed notifications (the sandbox runs inside rathaus; never enable it in production).
RATHAUS_PAYMENT_PROVIDERS = env_list("RATHAUS_PAYMENT_PROVIDERS", ["invoice"])
RATHAUS_PAYMENT_SANDBOX_SECRET = env_str("RATHAUS_PAYMENT_SANDBOX_SECRET", "")
RATHAUS_PAYMENT_WEBHOOK_TOLERANCE_SECONDS = env_int(
    "RATHAUS_PAYMENT_WEBHOOK_TOLERANCE_SECONDS", 300
)
# A provider's event time earlier than the payment or later than now by more than this is
# refused (never taken as the time of payment).
RATHAUS_PAYMENT_CLOCK_SKEW_SECONDS = env_int("RATHAUS_PAYMENT_CLOCK_SKEW_SECONDS", 600)

# --- Background work: Celery with a transactional outbox (rathaus.core.outbox). The default
# broker keeps its queue in files under var/celery, so the one-box install needs no server;
# production: redis://… or amqp://…
CELERY_BROKER_URL = env_str("RATHAUS_CELERY_BROKER_URL", "filesystem://")
RATHAUS_CELERY_DATA_DIR = Path(env_str("RATHAUS_CELERY_DATA_DIR", str(VAR_DIR / "celery")))
# Run tasks in the web process instead of a worker (tests, and a demo without a worker).
CELERY_TASK_ALWAYS_EAGER = env_bool("RATHAUS_CELERY_EAGER", False)
RATHAUS_OUTBOX_MAX_ATTEMPTS = env_int("RATHAUS_OUTBOX_MAX_ATTEMPTS", 10)
RATHAUS_OUTBOX_LEASE_SECONDS = env_int("RATHAUS_OUTBOX_LEASE_SECONDS", 300)
# Done outbox messages are deleted after this many days (failed ones are kept; ADR 0006).
RATHAUS_OUTBOX_RETENTION_DAYS = env_int("RATHAUS_OUTBOX_RETENTION_DAYS", 14)

# --- Hand-over to specialist systems via FIT-Connect (JSON list of destinations, see
# .env.example and rathaus/contrib/fitconnect/). Default: none.
RATHAUS_FITCONNECT_DESTINATIONS = env_str("RATHAUS_FITCONNECT_DESTINATIONS", "[]")

# --- Background work, continued (rathaus.celery): broker options and periodic jobs. ---
from celery.schedules import crontab  # noqa: E402

# The filesystem broker passes messages as files in one folder (producer and worker share it);
# it needs no server but only suits a single machine. Folders are created here so the web
# process can publish before a worker ever ran.
if CELERY_BROKER_URL.startswith("filesystem:"):
    _celery_queue_dir = RATHAUS_CELERY_DATA_DIR / "queue"
    _celery_processed_dir = RATHAUS_CELERY_DATA_DIR / "processed"
    _celery_control_dir = RATHAUS_CELERY_DATA_DIR / "control"
    for _celery_dir in (_celery_queue_dir, _celery_processed_dir, _celery_control_dir):
        _celery_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_celery_queue_dir),
        "data_folder_out": str(_celery_queue_dir),
        "control_folder": str(_celery_control_dir),
        "processed_folder": str(_celery_processed_dir),
        "store_processed": False,
        # Seconds between looks into the queue folder (kombu default 1 s: one message per
        # second and pool process).
        "polling_interval": 0.1,
    }
# A task is acknowledged after it ran, and a worker takes one message at a time: a worker that
# dies leaves its message to another (broker redelivery where supported, else the outbox sweep).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(RATHAUS_CELERY_DATA_DIR / "beat-schedule")
CELERY_BEAT_SCHEDULE = {
    # Outbox messages whose broker message was lost, retries after backoff, expired leases.
    "outbox-sweep": {"task": "rathaus.core.outbox_sweep", "schedule": 30.0},
    # Done outbox messages older than RATHAUS_OUTBOX_RETENTION_DAYS (daily: the sweep's 30 s
    # would scan the done messages far more often than anything can expire).
    "outbox-purge": {"task": "rathaus.core.outbox_purge", "schedule": crontab(hour=4, minute=20)},
    "drafts-expire": {"task": "rathaus.applications.drafts_expire", "schedule": 3600.0},
    # Acts provided for retrieval and not retrieved in ten days (§41 (2a) VwVfG): the
    # provision ends at midnight (Berlin); hourly is soon enough for the office's task.
    "mailbox-provisions-end": {"task": "rathaus.mailbox.provisions_end_due", "schedule": 3600.0},
    # The daily digest of new mail (for mailboxes that chose it), in the morning.
    "mailbox-digests": {
        "task": "rathaus.mailbox.digests_send",
        "schedule": crontab(hour=7, minute=0),
    },
    "attachments-rescan": {
        "task": "rathaus.applications.attachment_rescan_pending",
        "schedule": 600.0,
    },
    # Daily, at night (local time), like the cron jobs they replace.
    "inactive-accounts": {
        "task": "rathaus.accounts.inactive_accounts_process",
        "schedule": crontab(hour=3, minute=10),
    },
    # The records' daily Merkle tree of the day before, time-stamped (records.sealing).
    "records-days-seal": {
        "task": "rathaus.records.days_seal",
        "schedule": crontab(hour=0, minute=30),
    },
    # The archives' answers in their transfer directories (records.message_import).
    "records-archive-inbox": {
        "task": "rathaus.records.archive_inbox",
        "schedule": crontab(minute=20),
    },
    # Process timers that are due: deadlines, reminders, escalations (workflow.instances).
    "workflow-instances-wake": {
        "task": "rathaus.workflow.instances_wake",
        "schedule": 60.0,
    },
    "federation-housekeeping": {
        "task": "rathaus.federation.login_housekeeping",
        "schedule": crontab(hour=3, minute=40),
    },
}

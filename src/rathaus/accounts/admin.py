from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from rathaus.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "email", "kind", "is_staff", "is_active", "last_login"]
    list_filter = ["kind", "is_staff", "is_active"]
    fieldsets = (*(DjangoUserAdmin.fieldsets or ()), ("rathaus", {"fields": ["kind"]}))

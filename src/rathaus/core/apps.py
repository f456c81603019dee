from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "rathaus.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # The outbox hands committed messages to the Celery tasks through a hook, so that it
        # does not import the tasks that import it (rathaus.core.outbox.outbox_dispatcher_set).
        from rathaus.core.outbox import outbox_dispatcher_set
        from rathaus.core.tasks import outbox_tasks_dispatcher

        outbox_dispatcher_set(outbox_tasks_dispatcher)

        # PostgreSQL timestamps parsed in C (rathaus.core.pg_timestamps).
        from django.db.backends.signals import connection_created

        from rathaus.core.pg_timestamps import fast_timestamptz_register

        connection_created.connect(fast_timestamptz_register, dispatch_uid="core_fast_timestamptz")

"""Model fields that take the time from the one clock (`common.clock`)."""

from django.db import models

from common import clock


class ClockDateTimeField(models.DateTimeField):
    """A DateTimeField whose `auto_now` / `auto_now_add` read `clock.now()`, so a row
    written during a request or task carries that request's or task's moment."""

    def pre_save(self, model_instance, add):
        if self.auto_now or (self.auto_now_add and add):
            value = clock.now()
            setattr(model_instance, self.attname, value)
            return value
        return super().pre_save(model_instance, add)

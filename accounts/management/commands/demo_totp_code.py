from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Local trials only: the current authenticator code of a demo account."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, **options):
        if settings.SETTINGS_MODULE.endswith("production"):
            raise CommandError("demo second factors are for local trials only")
        device = TOTPDevice.objects.filter(user__username=options["username"], name="demo").first()
        if device is None:
            raise CommandError("no demo authenticator for that account: run make run first")
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        self.stdout.write(f"{code:06d}")

import datetime as dt

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "基础"

    def ready(self):
        from . import jobs

        jobs.register_periodic("delete_expired_exports", every=dt.timedelta(hours=1),
                               path="core.exports.delete_expired_exports", label="删除过期的导出文件")

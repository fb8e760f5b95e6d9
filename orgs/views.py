"""The login page: orgs' own (login and its lock are the kernel's). The other pages of 主体管理 are registry's,
修改密码 the shell's (portal): they ask access, which sits above orgs."""

from django.contrib.auth import views as auth_views
from django.utils import timezone

from . import services


def _client_ip(request):
    return request.META.get("REMOTE_ADDR")


# ---- 登录 ------------------------------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "orgs/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        username = (request.POST.get("username") or "").strip()
        until = services.login_locked_until(username) if username else None
        if until:
            form = self.get_form()
            form.errors.clear()
            return self.render_to_response(self.get_context_data(
                form=form, locked=f"登录失败次数过多，账号已临时锁定，请于 {timezone.localtime(until):%H:%M} 后再试。"))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        services.login_record(form.get_user().get_username(), _client_ip(self.request), True)
        return super().form_valid(form)

    def form_invalid(self, form):
        username = (self.request.POST.get("username") or "").strip()
        if username:
            services.login_record(username, _client_ip(self.request), False)
        return super().form_invalid(form)

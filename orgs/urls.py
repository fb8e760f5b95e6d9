from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

# login and logout are the kernel's; 修改密码 is the shell's (portal), 主体管理's pages registry's
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]

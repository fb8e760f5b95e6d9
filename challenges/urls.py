from django.urls import path

from . import views

app_name = "challenges"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("new/", views.new, name="new"),
    path("notices/", views.notices, name="notices"),
    path("answers/", views.answers, name="answers"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/complain/", views.complain, name="complain"),
    path("complaints/", views.complaints, name="complaints"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint_detail"),
    path("complaints/<int:pk>/accept/", views.complaint_accept, name="complaint_accept"),
    path("complaints/<int:pk>/suspend/", views.complaint_suspend, name="complaint_suspend"),
    path("complaints/<int:pk>/decide/", views.complaint_decide, name="complaint_decide"),
    path("complaints/<int:pk>/withdraw/", views.complaint_withdraw, name="complaint_withdraw"),
]

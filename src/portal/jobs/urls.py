from django.urls import path

from portal.jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.job_list, name="list"),
    path("<int:pk>/", views.job_page, name="job"),
    path("<int:pk>/tai-ve", views.job_file, name="file"),
    path("<int:pk>/lam-lai/", views.job_retry_view, name="retry"),
]

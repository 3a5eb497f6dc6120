from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0003_report_texts"),
    ]

    operations = [
        migrations.RenameModel("RoundDeadline", "AppraisalRound"),
        migrations.AddField(
            model_name="appraisalround",
            name="state",
            field=models.CharField(
                choices=[
                    ("planned", "Chưa bắt đầu"),
                    ("scoring", "Tổ đang chấm"),
                    ("returned", "Đã trả kết quả, đơn vị giải trình, bổ sung"),
                    ("closed", "Đã kết thúc"),
                    ("agreed", "Tổ đã thống nhất điểm"),
                ],
                default="planned",
                max_length=20,
                verbose_name="trạng thái",
            ),
        ),
        migrations.AddField(
            model_name="appraisalround",
            name="final",
            field=models.BooleanField(default=False, verbose_name="vòng cuối"),
        ),
    ]

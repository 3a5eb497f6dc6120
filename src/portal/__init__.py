"""The DTI portal: the Django web product the DTI office, units, appraisers, leadership and
the public use. It stores frameworks, units and answers, and calls the scoring core (`dti`)."""

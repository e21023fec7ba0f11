_base_ = ['./_base_/schedule_sgd.py', './_base_/default_runtime.py']

model = dict(type='ToyRegressor', in_channels=8, hidden=16)

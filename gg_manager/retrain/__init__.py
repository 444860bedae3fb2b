"""The retraining loop: push a retrained model, collect the frames the model was unsure of."""

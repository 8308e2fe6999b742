"""The Preprocessing tab: how a drawing or a picture becomes the network's input, step by step."""

spiral_data = dict(dataset="spirals", n_points=200, noise=0.1, test_fraction=0.5, n_classes=2, seed=0)
# common mistake: TensorFlow Playground's default network (4 and 2 tanh units, learning rate 0.03)
# is too small and too slow to wind its boundary around two spiral arms
spiral_config = nb.playground.PlaygroundConfig(**spiral_data)

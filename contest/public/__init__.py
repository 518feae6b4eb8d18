"""Pages anyone can open: home, published results, certificate verification."""

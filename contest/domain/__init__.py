"""Pure contest logic over plain values: no Flask, no database."""

"""Pure decide/evolve functions per aggregate. Standard library only."""

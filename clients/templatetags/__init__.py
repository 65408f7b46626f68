"""Display helpers of the workspace templates."""

"""Getting a built site to where people read it: GitHub Pages, or a university's CMS."""

"""Image Builder's URLs: every operation is a path of its own; tags are /tags/<resource ARN>."""

from .responses import ImageBuilderResponse

url_bases = [r"https?://imagebuilder\.(.+)\.amazonaws\.com"]

url_paths = {
    "{0}/(?P<operation>[A-Za-z]+)$": ImageBuilderResponse.dispatch,
    "{0}/tags/(?P<resourceArn>.+)$": ImageBuilderResponse.dispatch,
}

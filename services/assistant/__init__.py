"""The assistant's services: tools bound to the asking user, the client in use, stored
conversations with their usage and rate limit, and the answering of one message."""

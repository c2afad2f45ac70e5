"""The API's blueprints, one module per resource."""

from api.routes.index import bp as index_bp
from api.routes.transactions import bp as transactions_bp
from api.routes.users import bp as users_bp

blueprints = [index_bp, users_bp, transactions_bp]
